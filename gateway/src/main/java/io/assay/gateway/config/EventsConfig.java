package io.assay.gateway.config;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code events} section: how the scoring event stream ({@code assay:events}) is kept. Weight
 * computations read it incrementally; events out of every scoring window are archived to JSON
 * lines on disk and then deleted from the stream, so Redis holds the recent log and a restarted
 * gateway rebuilds its scoring state from it quickly, while {@code export-events} still writes
 * every event.
 *
 * @param archiveDir where trimmed events are archived; null for {@code <data_dir>/events-archive}
 * @param trim whether the stream is trimmed at all
 * @param margin how much longer than the longest scoring window the stream keeps events, and
 *     how late a verdict may follow its answer or a test plan its period (the scoring state's
 *     {@code Retention.margin}); at least twice {@code checking.verdict_timeout}
 */
public record EventsConfig(Path archiveDir, boolean trim, Duration margin) {

  static EventsConfig read(ConfigNode root, Path dataDir, Duration verdictTimeout) {
    ConfigNode e = root.section("events");
    String dir = e.string("archive_dir", "");
    Duration margin = e.duration("margin", Duration.ofHours(1));
    if (margin.compareTo(verdictTimeout.multipliedBy(2)) < 0) {
      throw new ConfigException("config key 'events.margin' (or " + e.envName("margin")
          + ") = " + margin + ": expected at least twice checking.verdict_timeout ("
          + verdictTimeout + "), so that every verdict is matched to its answer before the"
          + " answer's id is forgotten");
    }
    return new EventsConfig(dir.isBlank() ? null : dataDir.resolve(dir).normalize(),
        e.bool("trim", true), margin);
  }
}
