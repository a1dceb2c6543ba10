package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.util.concurrent.CompletionStage;

/**
 * Serves honestly what it recognises as the validator's tests, requests whose content the task's
 * public generator made ({@link SyntheticGenerator#produced}), and everything else as {@link
 * RandomOutputBackend} does: the honest backend's work with random content of the same shape,
 * streams included.
 */
final class DetectorBackend extends ForwardingBackend {

  private final SyntheticGenerator generator;
  private final Backend random;

  DetectorBackend(Backend honest, SyntheticGenerator generator, FakeContent fakes) {
    super(honest);
    this.generator = generator;
    // Shares the honest backend; closing this one closes it once (ForwardingBackend.close).
    this.random = new RandomOutputBackend(honest, fakes);
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return synthetic(request) ? super.serve(request) : Stages.call(() -> random.serve(request));
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    return synthetic(request) ? super.stream(request, sink)
        : Stages.call(() -> random.stream(request, sink));
  }

  private boolean synthetic(TaskRequest request) {
    return generator.produced(request);
  }
}
