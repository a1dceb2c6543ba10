package io.assay.task;

import java.util.concurrent.CompletionStage;

/**
 * Computes answers for a miner: a reference engine in process, or an adapter to a model server.
 *
 * <p>{@link #serve} must not block the calling thread; it runs its work on its own executor or
 * on an asynchronous client. The stage fails with {@link TaskException} (or a subtype) when no
 * answer can be made.
 */
public interface Backend extends AutoCloseable {

  CompletionStage<TaskAnswer> serve(TaskRequest request);

  /**
   * Answers a request that asked for streaming ({@link TaskRequest#stream()}): sends chunks to
   * {@code sink} as they are made and completes with the whole answer after the last one.
   * Backends of kinds that never stream need not implement it.
   */
  default CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new TaskException("this backend does not stream"));
  }

  /**
   * Why this backend cannot serve at all on this machine (for example a prover whose runtime is
   * not installed), in one sentence; null when it can. A miner declares no capacity for a task
   * whose backend is unavailable and logs the reason once.
   */
  default String unavailableReason() {
    return null;
  }

  /** Releases models, threads and connections. */
  @Override
  default void close() {}
}
