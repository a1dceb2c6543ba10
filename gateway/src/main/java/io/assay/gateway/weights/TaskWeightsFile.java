package io.assay.gateway.weights;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads task weights when the configuration file changes: the file's {@code tasks[*].weight}
 * are read (on a worker thread: it is disk work) and applied through {@link TaskWeights}, which
 * checks and records them. A file with bad weights is refused with a log line naming the task,
 * and the weights in force stay. Other settings in the file need a restart.
 */
public final class TaskWeightsFile {

  private static final Logger log = LoggerFactory.getLogger(TaskWeightsFile.class);

  private final Vertx vertx;
  private final Path file;
  private final TaskWeights weights;
  private FileTime seen;

  public TaskWeightsFile(Vertx vertx, Path file, TaskWeights weights) {
    this.vertx = vertx;
    this.file = file;
    this.weights = weights;
  }

  /** Checks the file every {@code interval}. */
  public void watch(Duration interval) {
    seen = modified();
    vertx.setPeriodic(interval.toMillis(), id -> vertx.executeBlocking(this::readIfChanged, false)
        .onSuccess(proposed -> {
          if (proposed == null || proposed.equals(weights.current())) {
            return;
          }
          try {
            weights.change(proposed, "file:" + file.getFileName())
                .onSuccess(c -> log.info("task weights reloaded from {}: {}", file, c.now()));
          } catch (TaskWeights.InvalidWeightsException e) {
            log.error("task weights in {} refused, keeping {}: {}", file, weights.current(),
                e.getMessage());
          }
        }));
  }

  private Map<String, Double> readIfChanged() {
    FileTime now = modified();
    if (now == null || now.equals(seen)) {
      return null;
    }
    seen = now;
    try {
      Map<String, Double> out = new TreeMap<>();
      for (ConfigNode t : ConfigNode.load(file, Map.of()).sections("tasks")) {
        out.put(t.requiredString("kind") + "/" + t.requiredString("model"),
            t.decimal("weight", 0, -1e9, 1e9));
      }
      return out;
    } catch (ConfigException e) {
      log.error("task weights in {} unreadable, keeping {}: {}", file, weights.current(),
          e.getMessage());
      return null;
    }
  }

  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(file);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
