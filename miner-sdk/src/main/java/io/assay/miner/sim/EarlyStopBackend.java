package io.assay.miner.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.Json;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.llm.LlmAnswer;
import io.assay.task.llm.LlmRequest;
import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * Ends llm answers early, as if the model had chosen to stop: the honest backend answers a copy
 * of the request with {@code max_tokens} at most {@value #MAX_TOKENS} (with the same seed, so
 * its tokens are the honest answer's first ones), and a {@code finish_reason} of {@code length}
 * becomes {@code stop}, in the answer and in the streamed chunk that carries it. Requests of
 * other kinds are served honestly.
 */
final class EarlyStopBackend extends ForwardingBackend {

  static final int MAX_TOKENS = SimulatedBackends.EARLY_STOP_TOKENS;

  EarlyStopBackend(Backend honest) {
    super(honest);
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!(request instanceof LlmRequest r)) {
      return super.serve(request);
    }
    return Stages.map(Stages.call(() -> honest.serve(shortened(r))), EarlyStopBackend::stopped);
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    if (!(request instanceof LlmRequest r)) {
      return super.stream(request, sink);
    }
    ChunkSink rewriting = new ChunkSink() {
      @Override
      public void chunk(byte[] json) {
        sink.chunk(stopped(json));
      }

      @Override
      public void keepAlive() {
        sink.keepAlive();
      }

      @Override
      public boolean open() {
        return sink.open();
      }
    };
    return Stages.map(Stages.call(() -> honest.stream(shortened(r), rewriting)),
        EarlyStopBackend::stopped);
  }

  static LlmRequest shortened(LlmRequest r) {
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(),
        r.topP(), Math.min(r.maxTokens(), MAX_TOKENS), r.stop(), r.seed(), r.logprobs(),
        r.topLogprobs(), r.stream(), r.includeUsage(), r.user());
  }

  private static TaskAnswer stopped(TaskAnswer answer) {
    if (!(answer instanceof LlmAnswer a)) {
      throw SimulatedBackends.notSimulated(Behaviour.EARLY_STOP, answer);
    }
    return new LlmAnswer(a.chat(), a.model(), a.text(), a.tokens(), "stop", a.promptTokens());
  }

  /** The chunk with a {@code length} finish reason made {@code stop}; others as they are. */
  private static byte[] stopped(byte[] json) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new TaskException("early-stop: a streamed chunk is not JSON: " + e.getMessage(), e);
    }
    JsonNode choice = root == null ? null : root.path("choices").path(0);
    if (!(choice instanceof ObjectNode c) || !"length".equals(c.path("finish_reason").asText())) {
      return json;
    }
    c.put("finish_reason", "stop");
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new TaskException("early-stop: cannot write a chunk: " + e.getMessage(), e);
    }
  }
}
