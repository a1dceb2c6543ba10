package io.assay.task.llm;

import io.assay.task.TaskAnswer;
import java.util.List;

/**
 * A complete chat or text completion, with the log-probability of every generated token (what
 * checking needs), however the miner delivered it (whole or streamed).
 *
 * @param chat whether it answers a chat request
 * @param model the model id the miner named
 * @param text the generated text
 * @param tokens every generated token with its log-probability, in order
 * @param finishReason {@code stop} or {@code length}
 * @param promptTokens prompt tokens as the miner counted them
 */
public record LlmAnswer(boolean chat, String model, String text, List<TokenLogprob> tokens,
    String finishReason, int promptTokens) implements TaskAnswer {

  /** One generated token: its text, log-probability and the most likely alternatives. */
  public record TokenLogprob(String token, double logprob, List<Alternative> top) {}

  /** An alternative to a generated token. */
  public record Alternative(String token, double logprob) {}

  public int completionTokens() {
    return tokens.size();
  }

  @Override
  public byte[] toMinerBody() {
    return LlmJson.completion(this, chat ? "chatcmpl-miner" : "cmpl-miner", 0, model,
        LlmJson.LOGPROBS_ALL);
  }
}
