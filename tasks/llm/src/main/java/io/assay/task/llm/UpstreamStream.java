package io.assay.task.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.ChunkSink;
import io.assay.task.InvalidAnswerException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One streamed completion from an upstream server, re-rendered chunk by chunk in our canonical
 * shape, so that downstream sees the same stream whatever server is behind: for chat a role chunk
 * first, then one chunk per upstream chunk that carries tokens (its content and log-probabilities
 * unchanged in value), a chunk with the finish reason and no content, and at the end a usage
 * chunk. Servers differ in how they package this (vLLM puts the last token and the finish reason
 * in one chunk, llama.cpp sends a role-less first chunk, Ollama an empty one); all come out alike.
 *
 * <p>Every chunk is checked before anything is sent for it: its content must be exactly what its
 * log-probability tokens spell, and nothing may follow the finish reason. A failed check throws
 * {@link InvalidAnswerException} naming the upstream call.
 *
 * <p>Not thread-safe: {@link #accept} and {@link #finish} are called one at a time, in order (the
 * HTTP client's event delivery gives them happens-before), from any thread.
 */
final class UpstreamStream {

  private final LlmRequest request;
  private final ChunkSink sink;
  private final String source;
  private final String id;
  private final List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private boolean started;
  private String finishReason;
  private int promptTokens;

  /**
   * @param request the request being answered; its public model id labels every chunk
   * @param sink receives the canonical chunks
   * @param source names the upstream call in error messages, e.g. {@code upstream POST http://...}
   */
  UpstreamStream(LlmRequest request, ChunkSink sink, String source) {
    this.request = request;
    this.sink = sink;
    this.source = source;
    this.id = request.chat() ? "chatcmpl-upstream" : "cmpl-upstream";
  }

  /**
   * Reads one upstream chunk (an event's data) and sends the canonical chunks for it.
   *
   * @throws InvalidAnswerException if the chunk is malformed or does not fit the stream so far
   */
  void accept(String payload) {
    Chunk chunk;
    try {
      chunk = read(payload);
    } catch (InvalidAnswerException e) {
      throw new InvalidAnswerException(source + " streamed an unusable chunk: " + e.getMessage(),
          e);
    }
    if (chunk == null) {
      return;
    }
    boolean chat = request.chat();
    if (!started) {
      started = true;
      if (chat) {
        sink.chunk(LlmJson.chunk(true, id, 0, request.model(), "assistant", List.of(), null,
            LlmJson.LOGPROBS_ALL, true, 0));
      }
    }
    if (!chunk.tokens().isEmpty()) {
      int offset = text.length();
      tokens.addAll(chunk.tokens());
      text.append(chunk.text());
      sink.chunk(LlmJson.chunk(chat, id, 0, request.model(), null, chunk.tokens(), null,
          LlmJson.LOGPROBS_ALL, true, offset));
    }
    if (chunk.finishReason() != null) {
      finishReason = chunk.finishReason();
      sink.chunk(LlmJson.chunk(chat, id, 0, request.model(), null, List.of(),
          chunk.finishReason(), LlmJson.LOGPROBS_ALL, true, text.length()));
    }
  }

  /**
   * The stream ended: sends the usage chunk and returns the whole answer, labelled with the
   * public model id. Prompt tokens are the server's count when it sent usage, else 0.
   *
   * @throws InvalidAnswerException if the stream ended before a finish reason
   */
  LlmAnswer finish() {
    if (finishReason == null) {
      throw new InvalidAnswerException(source + " ended its stream without a finish_reason"
          + (started ? "" : " (it sent no chunk at all)"));
    }
    sink.chunk(LlmJson.usageChunk(request.chat(), id, 0, request.model(), promptTokens,
        tokens.size()));
    return new LlmAnswer(request.chat(), request.model(), text.toString(), List.copyOf(tokens),
        finishReason, promptTokens);
  }

  /**
   * Checks that tokens carry real log-probabilities; the legacy completions shape allows a null
   * {@code token_logprobs} entry, which {@link LlmJson#readLogprobs} reads as NaN.
   */
  static void requireLogprobs(List<LlmAnswer.TokenLogprob> tokens) {
    for (LlmAnswer.TokenLogprob t : tokens) {
      if (Double.isNaN(t.logprob())) {
        throw new InvalidAnswerException("token '" + t.token() + "' has no logprob");
      }
    }
  }

  /** What one upstream chunk says; null when it carries no choice (a usage chunk, say). */
  private Chunk read(String payload) {
    JsonNode root = LlmJson.tree(payload.getBytes(StandardCharsets.UTF_8));
    JsonNode usage = root.path("usage");
    if (usage.isObject()) {
      promptTokens = usage.path("prompt_tokens").asInt(0);
    }
    JsonNode choice = root.path("choices").path(0);
    if (!choice.isObject()) {
      return null;
    }
    String chunkText = request.chat()
        ? choice.path("delta").path("content").asText("")
        : choice.path("text").asText("");
    List<LlmAnswer.TokenLogprob> chunkTokens = LlmJson.readLogprobs(choice.path("logprobs"));
    if (!LlmJson.join(chunkTokens).equals(chunkText)) {
      throw new InvalidAnswerException(chunkTokens.isEmpty()
          ? "it has content but no logprobs (answers must carry log-probabilities)"
          : "its logprobs tokens do not spell its content");
    }
    requireLogprobs(chunkTokens);
    String finish = LlmJson.finishReason(choice.path("finish_reason"));
    if (finishReason != null && (finish != null || !chunkTokens.isEmpty())) {
      throw new InvalidAnswerException("it follows the chunk with the finish_reason");
    }
    return new Chunk(chunkText, List.copyOf(chunkTokens), finish);
  }

  private record Chunk(String text, List<LlmAnswer.TokenLogprob> tokens, String finishReason) {}
}
