package io.assay.task.llm.model;

import java.util.List;

/**
 * A generated token.
 *
 * @param id token id
 * @param text the token's text, {@link LmTokenizer#tokenText}
 * @param logprob its raw log-probability (temperature 1, before top_p), bit-identical to the
 *     value {@link ReferenceLm#score} and {@link ReferenceLm#nextLogProbs} give for the same
 *     context
 * @param top the {@link SamplingParams#topLogprobs()} most likely tokens at this position, by
 *     probability descending then id ascending; when the chosen token is among them its entry
 *     carries exactly {@code logprob}
 */
public record TokenChoice(int id, String text, double logprob, List<Alternative> top) {

  public TokenChoice {
    top = List.copyOf(top);
  }
}
