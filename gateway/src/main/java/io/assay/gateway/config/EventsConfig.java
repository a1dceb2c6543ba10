package io.assay.gateway.config;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code events} section: how the scoring event stream ({@code assay:{scoring}:events}) is kept. Weight
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
 * @param receiptCheckDelay how long after a period ends every miner is asked for its signed
 *     receipt root of the period, which is then checked and archived beside the events; null
 *     for the default, 5 minutes or half a period if shorter ({@link #receiptCheckDelay(Duration)})
 */
public record EventsConfig(Path archiveDir, boolean trim, Duration margin,
    Duration receiptCheckDelay) {

  /** The receipt check delay in force for periods of length {@code period}. */
  public Duration receiptCheckDelay(Duration period) {
    if (receiptCheckDelay != null) {
      return receiptCheckDelay;
    }
    Duration half = period.dividedBy(2);
    return half.compareTo(Duration.ofMinutes(5)) < 0 ? half : Duration.ofMinutes(5);
  }

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
    String delay = e.string("receipt_check_delay", "");
    Duration receiptCheckDelay = delay.isBlank() ? null : e.duration("receipt_check_delay",
        Duration.ofMinutes(5));
    if (receiptCheckDelay != null && receiptCheckDelay.toMillis() < 1) {
      throw new ConfigException("config key 'events.receipt_check_delay': must be positive, was "
          + receiptCheckDelay);
    }
    return new EventsConfig(dir.isBlank() ? null : dataDir.resolve(dir).normalize(),
        e.bool("trim", true), margin, receiptCheckDelay);
  }
}
