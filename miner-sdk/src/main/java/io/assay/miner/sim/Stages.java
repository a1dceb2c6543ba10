package io.assay.miner.sim;

import io.assay.task.TaskAnswer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** Small helpers for the decorators' stages. */
final class Stages {

  private Stages() {}

  /** Calls a backend, turning an exception it throws instead of failing its stage into a stage. */
  static CompletionStage<TaskAnswer> call(Supplier<CompletionStage<TaskAnswer>> backend) {
    try {
      return backend.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@code stage} mapped by {@code map}; an exception {@code map} throws fails the result as it
   * is, not wrapped in a {@link CompletionException}.
   */
  static CompletableFuture<TaskAnswer> map(CompletionStage<TaskAnswer> stage,
      Function<TaskAnswer, TaskAnswer> map) {
    CompletableFuture<TaskAnswer> out = new CompletableFuture<>();
    stage.whenComplete((answer, failure) -> {
      if (failure != null) {
        out.completeExceptionally(unwrap(failure));
        return;
      }
      try {
        out.complete(map.apply(answer));
      } catch (RuntimeException e) {
        out.completeExceptionally(e);
      }
    });
    return out;
  }

  static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }
}
