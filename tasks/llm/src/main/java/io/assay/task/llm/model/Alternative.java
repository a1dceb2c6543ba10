package io.assay.task.llm.model;

/**
 * One candidate for a position, with its raw log-probability (temperature 1, before top_p).
 *
 * @param id token id
 * @param text the token's text, {@link LmTokenizer#tokenText}
 * @param logprob natural log of its probability under the reference model
 */
public record Alternative(int id, String text, double logprob) {}
