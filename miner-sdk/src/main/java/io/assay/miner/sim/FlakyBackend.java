package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Fails a random share of requests before computing them, streamed or not. */
final class FlakyBackend extends ForwardingBackend {

  private final LockedRandom random;
  private final double failureRate;

  FlakyBackend(Backend honest, LockedRandom random, double failureRate) {
    super(honest);
    this.random = random;
    this.failureRate = failureRate;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return fails() ? failure() : super.serve(request);
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    return fails() ? failure() : super.stream(request, sink);
  }

  private boolean fails() {
    return random.nextDouble() < failureRate;
  }

  private static CompletionStage<TaskAnswer> failure() {
    return CompletableFuture.failedFuture(new TaskException("simulated failure"));
  }
}
