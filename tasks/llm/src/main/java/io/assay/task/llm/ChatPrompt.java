package io.assay.task.llm;

import java.util.List;
import java.util.Locale;

/**
 * How a served model's chat template turns messages into the text the model reads, and the
 * token that ends its turn: what {@link LlmUpstreamChecker} needs to score a chat answer as the
 * model saw it, through the text-completion endpoint.
 *
 * <p>Two common templates are known: {@code chatml} (Qwen, many fine-tunes; ends with {@code
 * <|im_end|>}) and {@code llama3} (ends with {@code <|eot_id|>}).
 */
enum ChatPrompt {

  CHATML("<|im_end|>") {
    @Override
    String render(List<LlmRequest.Message> messages) {
      StringBuilder out = new StringBuilder();
      for (LlmRequest.Message m : messages) {
        out.append("<|im_start|>").append(m.role()).append('\n').append(m.content())
            .append("<|im_end|>\n");
      }
      return out.append("<|im_start|>assistant\n").toString();
    }
  },

  LLAMA3("<|eot_id|>") {
    @Override
    String render(List<LlmRequest.Message> messages) {
      StringBuilder out = new StringBuilder("<|begin_of_text|>");
      for (LlmRequest.Message m : messages) {
        out.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
            .append(m.content()).append("<|eot_id|>");
      }
      return out.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
    }
  };

  private final String endToken;

  ChatPrompt(String endToken) {
    this.endToken = endToken;
  }

  /** The prompt text the model reads for {@code messages}, ending where its answer begins. */
  abstract String render(List<LlmRequest.Message> messages);

  /** The token that ends an answer. */
  String endToken() {
    return endToken;
  }

  /**
   * The template named {@code name} ({@code chatml} or {@code llama3}, any case).
   *
   * @throws IllegalArgumentException naming the known templates otherwise
   */
  static ChatPrompt named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown chat template '" + name
          + "'; known: chatml, llama3");
    }
  }
}
