package io.assay.task.llm.model;

import java.util.List;

/**
 * The reference model's verdict on one token after a context (teacher forcing).
 *
 * @param logprob the token's raw log-probability; {@code -Infinity} when the model can never
 *     produce it there
 * @param rank its position in the order by probability descending then id ascending (0 = the
 *     token greedy decoding would choose)
 * @param top the most likely tokens, in that order, as many as asked for
 */
public record NextToken(double logprob, int rank, List<Alternative> top) {

  public NextToken {
    top = List.copyOf(top);
  }
}
