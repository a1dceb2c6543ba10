package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.llm.LlmAnswer;
import io.assay.task.llm.LlmRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Lets the honest backend work (so timing and shapes are real), then swaps the content for
 * {@link FakeContent}. A stream is rewritten chunk by chunk as the honest one arrives ({@link
 * FakeLlmStream}), and its answer is built from the chunks it sent, so both agree.
 */
final class RandomOutputBackend extends ForwardingBackend {

  private final FakeContent fakes;

  RandomOutputBackend(Backend honest, FakeContent fakes) {
    super(honest);
    this.fakes = fakes;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return Stages.map(super.serve(request), fakes::answer);
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    if (!(request instanceof LlmRequest llm)) {
      return CompletableFuture.failedFuture(
          SimulatedBackends.notSimulated(Behaviour.RANDOM_OUTPUT, request));
    }
    FakeLlmStream fake = new FakeLlmStream(llm.chat(), fakes, sink);
    return Stages.map(Stages.call(() -> honest.stream(request, fake)), answer -> {
      if (!(answer instanceof LlmAnswer a)) {
        throw SimulatedBackends.notSimulated(Behaviour.RANDOM_OUTPUT, answer);
      }
      return fake.answer(a);
    });
  }
}
