package io.assay.gateway.weights;

import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Json;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validator's task weights: the one live knob of scoring. Changed through the admin API or
 * by editing the configuration file; every change is checked (known tasks, all present,
 * non-negative, sum to 1), recorded as a scoring event and in a change log with time, source, old
 * and new values, and applies from the next weight computation on. An invalid change is refused
 * whole and changes nothing. Thread-safe.
 */
public final class TaskWeights {

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
