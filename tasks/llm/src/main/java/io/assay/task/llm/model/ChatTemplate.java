package io.assay.task.llm.model;

import java.util.List;

/**
 * The chat template, the same one the training corpus uses:
 *
 * <pre>for each message: ROLE encode(" " + content) &lt;|end|&gt;   then: &lt;|assistant|&gt;</pre>
 *
 * where ROLE is {@code <|system|>} (roles system and developer), {@code <|user|>} or {@code
 * <|assistant|>}. Message text goes through {@link LmTokenizer#encode}, which never yields a
 * special token, so the only special tokens in a prompt are the ones placed here.
 */
final class ChatTemplate {

  private ChatTemplate() {}

  static int[] render(List<ChatMessage> messages, WordTokenizer tokenizer) {
    IntList ids = new IntList(64);
    for (ChatMessage m : messages) {
      ids.add(roleToken(m.role()));
      for (int id : tokenizer.encode(" " + m.content())) {
        ids.add(id);
      }
      ids.add(WordTokenizer.END);
    }
    ids.add(WordTokenizer.ASSISTANT);
    return ids.toArray();
  }

  private static int roleToken(String role) {
    return switch (role) {
      case "system", "developer" -> WordTokenizer.SYSTEM;
      case "user" -> WordTokenizer.USER;
      case "assistant" -> WordTokenizer.ASSISTANT;
      default -> throw new IllegalArgumentException("unsupported chat role '" + role
          + "'; expected system, developer, user or assistant");
    };
  }
}
