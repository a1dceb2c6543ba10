package io.assay.task.llm;

import io.assay.task.llm.model.LmTokenizer;
import io.assay.task.llm.model.ReferenceLm;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One teacher-forced pass of the reference model over an answer's tokens: the coarse check of
 * {@link LlmChecker}, and the reference's log-probability of every token for its fine check.
 *
 * <p>At every position the reference's full next-token distribution is rebuilt as the request's
 * sampler saw it ({@link LlmCheckerSampling}); the answer's token there is unlikely when it is
 * outside the top k and in the sampling distribution's far tail, and the end token's sampling
 * probability adds to the stop hazard. After the last token the finish reason is checked: {@code
 * stop} needs the end token, or a token starting one of the request's stop strings, to be a
 * plausible next draw; {@code length} needs exactly max_tokens tokens. Thresholds: {@link
 * LlmCheckerConfig}.
 *
 * @param logprobs the reference's raw log-probability of each answer token
 * @param unlikely which tokens are unlikely
 * @param unlikelyCount how many
 * @param failures the ways the answer fails the coarse check; empty when it passes
 * @param detail what failed, for the check's reason; {@code "ok"} when nothing did
 */
record LlmCheckerPass(double[] logprobs, boolean[] unlikely, int unlikelyCount,
    Set<Failure> failures, String detail) {

  /** Ways to fail the coarse check. */
  enum Failure {
    /** More unlikely tokens than allowed. */
    UNLIKELY_TOKENS,
    /** Went on where the reference would almost surely have ended the answer. */
    AVOIDED_STOP,
    /** Claims {@code stop} where neither the end token nor a stop string could come next. */
    UNJUSTIFIED_STOP,
    /** Claims {@code length} before max_tokens. */
    EARLY_LENGTH,
    /** Its text holds one of the request's stop strings, where it should have ended. */
    PAST_STOP_STRING
  }

  boolean passed() {
    return failures.isEmpty();
  }

  /** Fraction of the tokens that are unlikely; 0 for an empty answer. */
  double unlikelyFraction() {
    return logprobs.length == 0 ? 0 : (double) unlikelyCount / logprobs.length;
  }

  /**
   * Scores {@code ids} generated after {@code prompt} for {@code request}, which ended with
   * {@code finishReason}. CPU work proportional to tokens x (context + vocabulary).
   */
  static LlmCheckerPass run(ReferenceLm lm, int[] prompt, int[] ids, LlmRequest request,
      String finishReason, LlmCheckerConfig config) {
    LmTokenizer tokenizer = lm.tokenizer();
    int eos = tokenizer.eos();
    int k = config.k(request.temperature());
    int[] context = Arrays.copyOf(prompt, prompt.length + ids.length);
    System.arraycopy(ids, 0, context, prompt.length, ids.length);
    double[] logprobs = new double[ids.length];
    boolean[] unlikely = new boolean[ids.length];
    int unlikelyCount = 0;
    double hazard = 0;
    for (int i = 0; i < ids.length; i++) {
      LlmCheckerSampling sampling = at(lm, context, prompt.length + i, request);
      LlmCheckerSampling.Place chosen = sampling.place(ids[i]);
      logprobs[i] = sampling.logprob(ids[i]);
      if (chosen.unlikely(k, config.tailMass())) {
        unlikely[i] = true;
        unlikelyCount++;
      }
      double stop = sampling.place(eos).probability();
      hazard += stop >= 1 ? Double.POSITIVE_INFINITY : -Math.log1p(-stop);
    }
    Set<Failure> failures = EnumSet.noneOf(Failure.class);
    StringBuilder detail = new StringBuilder();
    int allowed = config.allowedFailures(ids.length);
    if (unlikelyCount > allowed) {
      failures.add(Failure.UNLIKELY_TOKENS);
      note(detail, unlikelyCount + " of " + ids.length + " tokens unlikely at temperature "
          + request.temperature() + " (allowed " + allowed + ")");
    }
    if (hazard > config.maxStopHazard()) {
      failures.add(Failure.AVOIDED_STOP);
      note(detail, String.format(Locale.ROOT, "avoided stopping (stop hazard %.1f > %s)",
          hazard, config.maxStopHazard()));
    }
    String text = tokenizer.decode(ids);
    for (String stop : request.stop()) {
      if (text.contains(stop)) {
        failures.add(Failure.PAST_STOP_STRING);
        note(detail, "text runs past stop sequence \"" + stop + "\"");
      }
    }
    if ("length".equals(finishReason)) {
      if (ids.length != request.maxTokens()) {
        failures.add(Failure.EARLY_LENGTH);
        note(detail, "finish_reason length after " + ids.length + " of max_tokens "
            + request.maxTokens());
      }
    } else if (!endsHere(lm, context, request, k, config)) {
      failures.add(Failure.UNJUSTIFIED_STOP);
      note(detail, "finish_reason stop where neither the end token nor a stop sequence fits");
    }
    return new LlmCheckerPass(logprobs, unlikely, unlikelyCount, failures,
        detail.length() == 0 ? "ok" : detail.toString());
  }

  /**
   * Whether the answer may end after all of {@code context}: the sampler would have drawn the end
   * token, or a token with a stop string starting inside it (the sampler then cuts the text
   * before the stop string and drops that token), with at least the configured probability, or
   * one of them ranks in the top k.
   */
  private static boolean endsHere(ReferenceLm lm, int[] context, LlmRequest request, int k,
      LlmCheckerConfig config) {
    LlmCheckerSampling sampling = at(lm, context, context.length, request);
    LmTokenizer tokenizer = lm.tokenizer();
    double probability = 0;
    for (int w = 0; w < sampling.vocabSize(); w++) {
      boolean ends = w == tokenizer.eos() || (!request.stop().isEmpty()
          && sampling.logprob(w) > Double.NEGATIVE_INFINITY
          && startsStop(tokenizer.tokenText(w), request.stop()));
      if (ends) {
        LlmCheckerSampling.Place place = sampling.place(w);
        if (place.rank() < k) {
          return true;
        }
        probability += place.probability();
      }
    }
    return probability >= config.minEndProbability();
  }

  /** Whether a stop string starts inside {@code token} (it may run on past the token's end). */
  static boolean startsStop(String token, List<String> stops) {
    for (String stop : stops) {
      for (int j = 0; j < token.length(); j++) {
        if (token.regionMatches(j, stop, 0, Math.min(token.length() - j, stop.length()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The sampling distribution after the first {@code length} ids of {@code context}. */
  private static LlmCheckerSampling at(ReferenceLm lm, int[] context, int length,
      LlmRequest request) {
    return new LlmCheckerSampling(lm.nextLogProbs(Arrays.copyOf(context, length)),
        request.temperature(), request.topP());
  }

  private static void note(StringBuilder detail, String what) {
    detail.append(detail.length() == 0 ? "" : "; ").append(what);
  }
}
