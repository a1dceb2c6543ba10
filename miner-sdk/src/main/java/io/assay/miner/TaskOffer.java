package io.assay.miner;

import io.assay.task.Backend;
import io.assay.task.TaskKind;
import io.assay.task.TaskSpec;
import java.util.Objects;

/**
 * What a miner offers for one task: the backend that computes answers, how much work it takes
 * per scoring period, and how many requests it runs at once.
 *
 * @param kind the task kind
 * @param spec the task (kind and model)
 * @param backend computes answers; closed when the miner stops
 * @param capacityPerPeriod work units declared for each scoring period
 * @param maxConcurrency requests served at once before answering 429
 */
public record TaskOffer(
    TaskKind kind, TaskSpec spec, Backend backend, long capacityPerPeriod, int maxConcurrency) {

  public TaskOffer {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(backend, "backend");
    if (capacityPerPeriod < 0) {
      throw new IllegalArgumentException(
          spec.id() + ": capacity must be >= 0, was " + capacityPerPeriod);
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException(
          spec.id() + ": max concurrency must be >= 1, was " + maxConcurrency);
    }
  }
}
