package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.util.concurrent.CompletionStage;

/**
 * A simulated behaviour around an honest backend: everything goes to the honest backend unless
 * the behaviour overrides it, so each behaviour states only what it changes. Calls to the honest
 * backend go through {@link Stages#call}, so one that throws still gives a failed stage.
 */
abstract class ForwardingBackend implements Backend {

  protected final Backend honest;

  ForwardingBackend(Backend honest) {
    this.honest = honest;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return Stages.call(() -> honest.serve(request));
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    return Stages.call(() -> honest.stream(request, sink));
  }

  /** A behaviour cannot serve what its honest backend cannot. */
  @Override
  public String unavailableReason() {
    return honest.unavailableReason();
  }

  @Override
  public void close() {
    honest.close();
  }
}
