package io.assay.task.llm;

import io.assay.task.TaskRequest;
import java.util.List;

/**
 * A validated chat or text completion request.
 *
 * @param path {@code /v1/chat/completions} or {@code /v1/completions}
 * @param model public model id
 * @param messages the conversation (chat only, else empty)
 * @param prompt the prompt (completions only, else null)
 * @param temperature 0 to 2
 * @param topP 0 to 1
 * @param maxTokens most tokens to generate
 * @param stop up to 4 stop sequences
 * @param seed sampling seed, or null for a random one
 * @param logprobs whether the user asked for log-probabilities
 * @param topLogprobs alternatives per token the user asked for (0 to 20)
 * @param stream whether to stream
 * @param includeUsage stream_options.include_usage
 * @param user the caller's end-user id, passed through
 */
public record LlmRequest(
    String path,
    String model,
    List<Message> messages,
    String prompt,
    double temperature,
    double topP,
    int maxTokens,
    List<String> stop,
    Long seed,
    boolean logprobs,
    int topLogprobs,
    boolean stream,
    boolean includeUsage,
    String user) implements TaskRequest {

  public static final String CHAT_PATH = "/v1/chat/completions";
  public static final String COMPLETIONS_PATH = "/v1/completions";

  /** One chat message: role and text content. */
  public record Message(String role, String content) {}

  public boolean chat() {
    return path.equals(CHAT_PATH);
  }

  @Override
  public boolean stream() {
    return stream;
  }

  /** This request with {@code value} as its seed (null for none). */
  LlmRequest withSeed(Long value) {
    return new LlmRequest(path, model, messages, prompt, temperature, topP, maxTokens, stop, value,
        logprobs, topLogprobs, stream, includeUsage, user);
  }
}
