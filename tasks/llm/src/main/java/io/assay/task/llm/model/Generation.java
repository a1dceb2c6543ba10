package io.assay.task.llm.model;

import java.util.List;

/**
 * The result of {@link ReferenceLm#generate}.
 *
 * @param tokens the generated tokens kept in the answer, in order; never contains the
 *     end-of-sequence token
 * @param text the answer's text: {@code decode(tokens)}, except when a stop string ended the
 *     generation, where it is the decoded output cut just before the stop string, which may keep
 *     a fragment of a token that {@code tokens} leaves out (see {@link ReferenceLm#generate})
 * @param finishReason {@link #STOP} (end-of-sequence token or stop string) or {@link #LENGTH}
 * @param promptTokens length of the prompt, in tokens
 * @param seedUsed the seed of the sampler: the request's, or the random one chosen for it
 */
public record Generation(
    List<TokenChoice> tokens, String text, String finishReason, int promptTokens, long seedUsed) {

  public static final String STOP = "stop";
  public static final String LENGTH = "length";

  public Generation {
    tokens = List.copyOf(tokens);
  }

  /** The generated token ids, in order. */
  public int[] ids() {
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = tokens.get(i).id();
    }
    return ids;
  }
}
