package io.assay.miner;

import io.assay.task.Backend;
import io.assay.task.TaskKind;
import io.assay.task.TaskSpec;
import java.util.Objects;

/**
 * What a miner offers for one task: the backend that computes answers, how much work it serves
 * and declares per scoring period, and how many requests it runs at once.
 *
 * <p>An honest miner declares what it serves ({@link #TaskOffer(TaskKind, TaskSpec, Backend, long,
 * int)}). A miner may declare more ({@link #withDeclared}), as an overclaiming cheater does in a
 * simulation: {@code GET /capacity} then reports the declared volume while requests beyond the
 * served capacity are still answered 429.
 *
 * @param kind the task kind
 * @param spec the task (kind and model)
 * @param backend computes answers; closed when the miner stops
 * @param capacityPerPeriod work units served in each scoring period; beyond it requests get 429
 * @param maxConcurrency requests served at once before answering 429
 * @param declaredPerPeriod work units declared in {@code GET /capacity} for each period; never
 *     less than {@code capacityPerPeriod}
 */
public record TaskOffer(
    TaskKind kind,
    TaskSpec spec,
    Backend backend,
    long capacityPerPeriod,
    int maxConcurrency,
    long declaredPerPeriod) {

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
    if (declaredPerPeriod < capacityPerPeriod) {
      throw new IllegalArgumentException(spec.id() + ": declared volume (" + declaredPerPeriod
          + ") must be >= the capacity served (" + capacityPerPeriod + ")");
    }
  }

  /** An offer that declares exactly the capacity it serves. */
  public TaskOffer(
      TaskKind kind, TaskSpec spec, Backend backend, long capacityPerPeriod, int maxConcurrency) {
    this(kind, spec, backend, capacityPerPeriod, maxConcurrency, capacityPerPeriod);
  }

  /**
   * The same offer declaring {@code declared} work units per period while still serving only
   * {@link #capacityPerPeriod}.
   *
   * @throws IllegalArgumentException when {@code declared} is below the capacity served
   */
  public TaskOffer withDeclared(long declared) {
    return new TaskOffer(kind, spec, backend, capacityPerPeriod, maxConcurrency, declared);
  }
}
