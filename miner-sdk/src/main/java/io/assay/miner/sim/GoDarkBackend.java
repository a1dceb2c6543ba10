package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fails every request at once, streamed or not, without computing it: the miner gone dark after
 * declaring ({@link Behaviour#GO_DARK}; its capacity answers are {@link
 * DeclarationPolicies#goDark()}'s). The failure is not {@link TaskException#busy() busy}, so the
 * miner answers 502.
 */
final class GoDarkBackend extends ForwardingBackend {

  GoDarkBackend(Backend honest) {
    super(honest);
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return dark();
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    return dark();
  }

  private static CompletionStage<TaskAnswer> dark() {
    return CompletableFuture.failedFuture(
        new TaskException("go-dark: this miner serves nothing it declared"));
  }
}
