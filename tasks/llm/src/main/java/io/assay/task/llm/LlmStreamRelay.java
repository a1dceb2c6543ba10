package io.assay.task.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.InvalidAnswerException;
import io.assay.task.StreamRelay;
import io.assay.task.TaskAnswer;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays a miner's streamed completion to the user: every chunk is checked (its log-probability
 * tokens must spell its text; nothing may follow the finish), re-labelled with the gateway's
 * completion id, creation time and model, stripped of log-probabilities the user did not ask
 * for, and the usage chunk is made by the gateway from what was streamed.
 */
final class LlmStreamRelay implements StreamRelay {

  private final LlmRequest request;
  private final String id;
  private final long created;
  private final List<LlmAnswer.TokenLogprob> tokens = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private boolean roleSent;
  private String finishReason;
  private int promptTokens;
  private LlmAnswer answer;

  LlmStreamRelay(LlmRequest request, String id, long created) {
    this.request = request;
    this.id = id;
    this.created = created;
  }

  @Override
  public List<byte[]> accept(byte[] minerChunk) {
    JsonNode root = LlmJson.tree(minerChunk);
    if (root.has("error")) {
      throw new InvalidAnswerException("the miner's stream failed: "
          + root.path("error").path("message").asText("no message"));
    }
    JsonNode usage = root.path("usage");
    if (usage.isObject()) {
      promptTokens = usage.path("prompt_tokens").asInt(0);
    }
    JsonNode choice = root.path("choices").path(0);
    if (!choice.isObject()) {
      return List.of();
    }
    if (finishReason != null) {
      throw new InvalidAnswerException("the miner streamed content after finish_reason");
    }
    String chunkText = request.chat()
        ? choice.path("delta").path("content").asText("")
        : choice.path("text").asText("");
    List<LlmAnswer.TokenLogprob> chunkTokens = LlmJson.readLogprobs(choice.path("logprobs"));
    if (!LlmJson.join(chunkTokens).equals(chunkText)) {
      throw new InvalidAnswerException("a streamed chunk's logprobs do not spell its text");
    }
    String finish = LlmJson.finishReason(choice.path("finish_reason"));
    int offset = text.length();
    tokens.addAll(chunkTokens);
    text.append(chunkText);
    if (tokens.size() > request.maxTokens()) {
      throw new InvalidAnswerException("the miner streamed more than max_tokens ("
          + request.maxTokens() + ") tokens");
    }
    finishReason = finish;
    boolean first = !roleSent;
    if (chunkTokens.isEmpty() && finish == null && !first) {
      return List.of();
    }
    roleSent = true;
    return List.of(LlmJson.chunk(request.chat(), id, created, request.model(),
        first && request.chat() ? "assistant" : null, chunkTokens, finish, visibleLogprobs(),
        request.includeUsage(), offset));
  }

  @Override
  public List<byte[]> finish() {
    if (finishReason == null) {
      throw new InvalidAnswerException("the miner's stream ended without a finish_reason");
    }
    answer = new LlmAnswer(request.chat(), request.model(), text.toString(), List.copyOf(tokens),
        finishReason, promptTokens);
    if (!request.includeUsage()) {
      return List.of();
    }
    return List.of(LlmJson.usageChunk(request.chat(), id, created, request.model(), promptTokens,
        tokens.size()));
  }

  @Override
  public long unitsSoFar() {
    return tokens.size();
  }

  @Override
  public TaskAnswer answer() {
    if (answer == null) {
      throw new IllegalStateException("the stream has not finished");
    }
    return answer;
  }

  private int visibleLogprobs() {
    return request.logprobs() ? request.topLogprobs() : LlmJson.LOGPROBS_NONE;
  }
}
