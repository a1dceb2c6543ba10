package io.assay.checking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.task.Checker;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound task and the checker of every task this process has seen, made on first use and kept
 * for the process's life: each model is loaded once per process.
 *
 * <p>A task with a model server configured ({@link CheckingOptions#upstreams()}) is checked
 * through that server; any other through its kind's reference model.
 *
 * <p>Loading a model is slow and runs on the worker that first needs it; workers needing other
 * tasks are not held up, those needing the same task wait for the one load. A task whose kind is
 * unknown here, or whose kind has no reference checker for its model, is remembered as such. A
 * kind that throws while binding or making its checker is not remembered, so a later entry tries
 * again. Thread-safe.
 */
final class TaskCheckers implements AutoCloseable {

  /** A task ready to check: the kind parses requests, the task parses answers. */
  record Resolved(TaskKind kind, Task task, Checker checker) {}

  private static final Logger log = LoggerFactory.getLogger(TaskCheckers.class);

  private final TaskKinds kinds;
  private final Map<String, UpstreamConfig> upstreams;
  private final Map<String, JsonNode> settings;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param upstreams model servers to check tasks through, by task id; others use references
   * @param settings each kind's checker settings by kind name ({@code checking.checkers})
   */
  TaskCheckers(TaskKinds kinds, Map<String, UpstreamConfig> upstreams,
      Map<String, JsonNode> settings) {
    this.kinds = kinds;
    this.upstreams = Map.copyOf(upstreams);
    this.settings = Map.copyOf(settings);
  }

  /**
   * Checks every kind's settings at start, as reading its checker would, so a bad threshold
   * stops the service at once rather than at the first answer of that kind.
   *
   * @throws ConfigException naming the key
   */
  static void validateSettings(TaskKinds kinds, Map<String, JsonNode> settings) {
    settings.forEach((name, node) -> {
      TaskKind kind = kinds.byName(name).orElseThrow(() -> new ConfigException("config key '"
          + SETTINGS + "." + name + "': there is no task kind '" + name + "'; known kinds: "
          + kinds.all().stream().map(TaskKind::name).toList()));
      for (String model : kind.referenceModels()) {
        kind.referenceChecker(new TaskSpec(name, model, Long.MAX_VALUE, 1),
            settingsOf(name, node)).ifPresent(Checker::close);
      }
    });
  }

  /** Where kinds' checker settings live in the configuration. */
  static final String SETTINGS = "checking.checkers";

  private static ConfigNode settingsOf(String kind, JsonNode node) {
    return ConfigNode.at(SETTINGS + "." + kind, node, System.getenv());
  }

  /**
   * The checker for {@code taskId} ({@code kind/model}); empty when this process cannot check
   * that task.
   *
   * @throws RuntimeException whatever the kind throws while loading its checker
   */
  Optional<Resolved> resolve(String taskId) {
    return slots.computeIfAbsent(taskId, Slot::new).get();
  }

  @Override
  public void close() {
    closed = true;
    for (Slot slot : slots.values()) {
      slot.close();
    }
  }

  private final class Slot {

    private final String taskId;
    private Optional<Resolved> resolved;

    Slot(String taskId) {
      this.taskId = taskId;
    }

    synchronized Optional<Resolved> get() {
      if (resolved == null) {
        if (closed) {
          throw new IllegalStateException("the checking service is stopping");
        }
        resolved = load();
      }
      return resolved;
    }

    private Optional<Resolved> load() {
      int slash = taskId.indexOf('/');
      if (slash <= 0 || slash == taskId.length() - 1) {
        log.warn("task '{}' is not of the form kind/model; its answers are not checked", taskId);
        return Optional.empty();
      }
      String kindName = taskId.substring(0, slash);
      Optional<TaskKind> kind = kinds.byName(kindName);
      if (kind.isEmpty()) {
        log.warn("no task kind '{}' here (task {}); its answers are not checked", kindName,
            taskId);
        return Optional.empty();
      }
      // Limits do not matter to checking; the spec only names the model.
      TaskSpec spec = new TaskSpec(kindName, taskId.substring(slash + 1), Long.MAX_VALUE, 1);
      Task task = kind.get().bind(spec);
      long start = System.nanoTime();
      UpstreamConfig upstream = upstreams.get(taskId);
      ConfigNode kindSettings = settingsOf(kindName,
          settings.getOrDefault(kindName, JsonNodeFactory.instance.objectNode()));
      Optional<Checker> checker = upstream != null
          ? kind.get().upstreamChecker(spec, upstream, kindSettings)
          : kind.get().referenceChecker(spec, kindSettings);
      if (checker.isEmpty()) {
        log.warn("kind '{}' has no {} checker for model '{}'; answers of {} are not checked",
            kindName, upstream != null ? "model-server" : "reference", spec.model(), taskId);
        return Optional.empty();
      }
      log.info("checker for {} ready in {} ms (batches of {})", taskId,
          (System.nanoTime() - start) / 1_000_000, checker.get().preferredBatch());
      return Optional.of(new Resolved(kind.get(), task, checker.get()));
    }

    synchronized void close() {
      if (resolved != null && resolved.isPresent()) {
        try {
          resolved.get().checker().close();
        } catch (RuntimeException e) {
          log.warn("checker for {} failed to close: {}", taskId, e.toString());
        }
      }
    }
  }
}
