package io.assay.task.llm.model;

import java.util.Objects;

/**
 * One message of a chat, as {@link ReferenceLm#chatPrompt} renders it.
 *
 * @param role {@code system}, {@code developer} (rendered as system), {@code user} or {@code
 *     assistant}; other roles are refused by {@link ReferenceLm#chatPrompt}
 * @param content the message text, used exactly as given (not trimmed)
 */
public record ChatMessage(String role, String content) {

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }
}
