package io.assay.task.llm;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.llm.model.ChatMessage;
import io.assay.task.llm.model.Generation;
import io.assay.task.llm.model.ReferenceLm;
import io.assay.task.llm.model.SamplingParams;
import io.assay.task.llm.model.TokenChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Serves llm requests from the built-in {@link ReferenceLm}, on the given executor (generation
 * is CPU work and never runs on the caller's thread). Streams one chunk per token.
 */
final class ReferenceLmBackend implements Backend {

  private final Executor workers;

  ReferenceLmBackend(Executor workers) {
    this.workers = workers;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    return CompletableFuture.supplyAsync(() -> generate((LlmRequest) request, null), workers);
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    return CompletableFuture.supplyAsync(() -> generate((LlmRequest) request, sink), workers);
  }

  private static LlmAnswer generate(LlmRequest r, ChunkSink sink) {
    ReferenceLm lm = ReferenceLm.shared();
    int[] prompt = r.chat() ? lm.chatPrompt(messages(r)) : lm.completionPrompt(r.prompt());
    int top = Math.max(LlmRequestWriter.MIN_TOP_LOGPROBS, r.topLogprobs());
    SamplingParams params = new SamplingParams(r.temperature(), r.topP(), r.maxTokens(),
        r.stop(), r.seed(), Math.min(20, top));
    String id = r.chat() ? "chatcmpl-ref" : "cmpl-ref";
    int[] offset = {0};
    if (sink != null && r.chat()) {
      sink.chunk(LlmJson.chunk(true, id, 0, r.model(), "assistant", List.of(), null,
          LlmJson.LOGPROBS_ALL, true, 0));
    }
    boolean[] first = {r.chat()};
    Generation g = lm.generate(prompt, params, sink == null ? token -> { } : token -> {
      List<LlmAnswer.TokenLogprob> one = List.of(toLogprob(token, first[0]));
      first[0] = false;
      sink.chunk(LlmJson.chunk(r.chat(), id, 0, r.model(), null, one, null, LlmJson.LOGPROBS_ALL,
          true, offset[0]));
      offset[0] += one.get(0).token().length();
    });
    List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>(g.tokens().size());
    for (TokenChoice t : g.tokens()) {
      tokens.add(toLogprob(t, r.chat() && tokens.isEmpty()));
    }
    LlmAnswer answer = new LlmAnswer(r.chat(), r.model(), LlmJson.join(tokens),
        List.copyOf(tokens), g.finishReason(), g.promptTokens());
    if (sink != null) {
      sink.chunk(LlmJson.chunk(r.chat(), id, 0, r.model(), null, List.of(), g.finishReason(),
          LlmJson.LOGPROBS_ALL, true, offset[0]));
      sink.chunk(LlmJson.usageChunk(r.chat(), id, 0, r.model(), g.promptTokens(),
          tokens.size()));
    }
    return answer;
  }

  private static List<ChatMessage> messages(LlmRequest r) {
    List<ChatMessage> out = new ArrayList<>(r.messages().size());
    for (LlmRequest.Message m : r.messages()) {
      out.add(new ChatMessage(m.role(), m.content()));
    }
    return out;
  }

  /**
   * A token as the API shows it. A chat answer's first token loses its leading space, as
   * {@link ReferenceLm#chatContent} does for the content, so the tokens still spell the content
   * exactly; {@link ReferenceLm#chatTokens} rebuilds the ids from that content.
   */
  private static LlmAnswer.TokenLogprob toLogprob(TokenChoice t, boolean firstOfChat) {
    List<LlmAnswer.Alternative> top = new ArrayList<>(t.top().size());
    t.top().forEach(a -> top.add(
        new LlmAnswer.Alternative(firstOfChat ? strip(a.text()) : a.text(), a.logprob())));
    return new LlmAnswer.TokenLogprob(firstOfChat ? strip(t.text()) : t.text(), t.logprob(),
        List.copyOf(top));
  }

  private static String strip(String token) {
    return token.startsWith(" ") ? token.substring(1) : token;
  }
}
