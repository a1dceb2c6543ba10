package io.assay.gateway.weights;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Json;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validator's task weights: the one live knob of scoring. Changed through the admin API or
 * by editing the configuration file; every change is checked (known tasks, all present,
 * non-negative, sum to 1), recorded as a scoring event and in a change log with time, source, old
 * and new values, and applies from the next weight computation on. An invalid change is refused
 * whole and changes nothing. Thread-safe.
 */
public final class TaskWeights {

  private static final Logger log = LoggerFactory.getLogger(TaskWeights.class);
  private static final double TOLERANCE = 1e-9;

  private final Set<String> tasks;
  private final EventStream events;
  private final Redis redis;
  private final Clock clock;
  private volatile Map<String, Double> current;

  /** A refused change; the message names the offending task. */
  public static final class InvalidWeightsException extends RuntimeException {
    InvalidWeightsException(String message) {
      super(message, null, false, false);
    }
  }

  /** One recorded change. */
  public record Change(long at, String source, Map<String, Double> old, Map<String, Double> now) {}

  public TaskWeights(Map<String, Double> initial, EventStream events, Redis redis, Clock clock) {
    this.tasks = Collections.unmodifiableSet(new TreeMap<>(initial).keySet());
    this.events = events;
    this.redis = redis;
    this.clock = clock;
    this.current = Collections.unmodifiableMap(new TreeMap<>(validate(initial, tasks)));
  }

  public Map<String, Double> current() {
    return current;
  }

  /**
   * Checks proposed weights as {@link #change} would, without applying or recording them.
   *
   * @return them, sorted by task
   * @throws InvalidWeightsException naming the task when the weights are not acceptable
   */
  public SortedMap<String, Double> checked(Map<String, Double> proposed) {
    return new TreeMap<>(validate(proposed, tasks));
  }

  /**
   * The recorded changes, newest first: at most {@code limit}, each as it was recorded (a row that
   * cannot be read is skipped).
   */
  public Future<List<Change>> changes(int limit) {
    return Redis.on(redis.commands().lrange(Keys.taskWeightChanges(), 0, limit - 1)).map(rows -> {
      List<Change> out = new ArrayList<>(rows.size());
      for (String row : rows) {
        try {
          JsonNode node = Json.MAPPER.readTree(row);
          out.add(new Change(node.path("at").asLong(), node.path("source").asText(),
              weights(node.get("old")), weights(node.get("new"))));
        } catch (java.io.IOException e) {
          log.warn("unreadable task-weight change skipped: {}", e.getMessage());
        }
      }
      return out;
    });
  }

  private static Map<String, Double> weights(JsonNode node) {
    Map<String, Double> out = new TreeMap<>();
    if (node != null) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    }
    return out;
  }

  /**
   * Records the configured weights as the starting point when the event log does not already
   * end with exactly these (so a restart with unchanged configuration adds nothing).
   */
  public Future<Void> recordInitial(Map<String, Double> lastRecorded) {
    if (current.equals(lastRecorded)) {
      return Future.succeededFuture();
    }
    return record("config", lastRecorded == null ? Map.of() : lastRecorded, current);
  }

  /**
   * Replaces the weights.
   *
   * @throws InvalidWeightsException naming the task when the weights are not acceptable
   */
  public synchronized Future<Change> change(Map<String, Double> proposed, String source) {
    Map<String, Double> next = Collections.unmodifiableMap(
        new TreeMap<>(validate(proposed, tasks)));
    Map<String, Double> old = current;
    current = next;
    return record(source, old, next).map(v -> new Change(clock.millis(), source, old, next));
  }

  private Future<Void> record(String source, Map<String, Double> old, Map<String, Double> now) {
    long at = clock.millis();
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("at", at);
    change.put("source", source);
    change.put("old", old);
    change.put("new", now);
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(change);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Future.failedFuture(e);
    }
    return events.append(new TaskWeightsChanged(at, new TreeMap<>(now), source))
        .compose(id -> Redis.on(redis.commands().lpush(Keys.taskWeightChanges(), json)))
        .mapEmpty();
  }

  /**
   * Checks weights against the configured tasks (all present, none unknown, non-negative, summing
   * to 1); returns them or throws naming the problem. The one place this rule lives: the config
   * loader, the admin API and the file watcher all come through here.
   *
   * @param known the configured task ids, or empty to accept any
   */
  public static Map<String, Double> validate(Map<String, Double> proposed, Set<String> known) {
    if (proposed == null || proposed.isEmpty()) {
      throw new InvalidWeightsException("task weights are empty; give a weight for each of "
          + known);
    }
    for (Map.Entry<String, Double> e : new TreeMap<>(proposed).entrySet()) {
      if (!known.isEmpty() && !known.contains(e.getKey())) {
        throw new InvalidWeightsException("unknown task '" + e.getKey() + "'; configured tasks: "
            + known);
      }
      Double w = e.getValue();
      if (w == null || !Double.isFinite(w) || w < 0) {
        throw new InvalidWeightsException("task '" + e.getKey()
            + "' has weight " + w + "; weights must be non-negative numbers");
      }
    }
    for (String task : known) {
      if (!proposed.containsKey(task)) {
        throw new InvalidWeightsException("task '" + task + "' has no weight; give every"
            + " configured task a weight (0 to leave it out)");
      }
    }
    double sum = 0;
    for (double w : new TreeMap<>(proposed).values()) {
      sum += w;
    }
    if (Math.abs(sum - 1.0) > TOLERANCE) {
      throw new InvalidWeightsException("task weights must sum to 1, they sum to " + sum + " "
          + new TreeMap<>(proposed));
    }
    return proposed;
  }
}
