package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.ParamsChanged;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.ScoringEvent.UidsChanged;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The scoring parameters, task weights and uids in force: of each, the event with the latest
 * {@code at}, the later in the log on equal times. Kept the same way by the log read for one
 * computation ({@link ScoringLog}) and the state kept event by event ({@link ScoringState}).
 * Not thread-safe.
 */
final class LatestSettings {

  private ParamsChanged params;
  private TaskWeightsChanged taskWeights;
  private UidsChanged uids;

  /** Takes {@code event} if it is one of the three kinds; returns whether it was. */
  boolean accept(ScoringEvent event) {
    if (event instanceof ParamsChanged p) {
      params = latest(params, p);
    } else if (event instanceof TaskWeightsChanged t) {
      taskWeights = latest(taskWeights, t);
    } else if (event instanceof UidsChanged u) {
      uids = latest(uids, u);
    } else {
      return false;
    }
    return true;
  }

  private static <E extends ScoringEvent> E latest(E old, E next) {
    return old == null || next.at() >= old.at() ? next : old;
  }

  /**
   * Refuses a computation without parameters or task weights.
   *
   * @param events how many events were read, for the message
   * @throws IllegalArgumentException naming what is missing
   */
  void requireComplete(long computedAt, long events) {
    if (params == null) {
      throw new IllegalArgumentException("no scoring parameters recorded at or before "
          + computedAt + " (of " + events + " events)");
    }
    if (taskWeights == null) {
      throw new IllegalArgumentException("no task weights recorded at or before " + computedAt
          + " (of " + events + " events)");
    }
  }

  /** The parameters in force, or null before any. */
  ScoringParams params() {
    return params == null ? null : params.params();
  }

  SortedMap<String, Double> taskWeights() {
    return new TreeMap<>(taskWeights.weights());
  }

  SortedMap<String, Integer> uids() {
    return uids == null ? new TreeMap<>() : new TreeMap<>(uids.uids());
  }
}
