package io.assay.task.llm;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.util.List;

/**
 * Thresholds of {@link LlmChecker}, checked once here. The defaults ({@link #defaults()}) were
 * measured on the reference model: honest answers at every temperature from 0 to 2, with and
 * without top_p, stay well inside them.
 *
 * @param topK the rank floor by temperature: a token ranked inside the top k of the reference's
 *     raw distribution never counts as unlikely, whatever the sampling parameters; it absorbs
 *     near-ties that another engine's arithmetic may order differently. Tiers in ascending
 *     {@code maxTemperature}; the last applies to every higher temperature. Default: k = 5 up to
 *     T 0.3, 10 up to 0.8, 20 up to 1.2, 40 above.
 * @param tailMass a token outside the top k counts as unlikely when it lies in the least likely
 *     {@code tailMass} of the request's sampling distribution (temperature, then top_p), or
 *     outside the top_p nucleus altogether. An honest sampler lands there with probability at
 *     most {@code tailMass} per token, whatever the temperature. Default 0.001.
 * @param allowedFailures unlikely tokens an answer may have; default 2
 * @param allowedFailureFraction ... or this fraction of its tokens, whichever is more; default
 *     0.05
 * @param fabricatedFraction beyond this fraction of unlikely tokens the text is not this model's
 *     output at all: quality -1; default 0.5
 * @param maxStopHazard an answer "avoided stopping" when the reference would have ended it
 *     before its last token with near certainty: the cumulative hazard {@code sum(-ln(1 - p))}
 *     of the end token's sampling probability {@code p} at every position exceeds this. For an
 *     honest sampler that happens with probability at most {@code exp(-maxStopHazard)}. Default
 *     7 (under 0.1%).
 * @param minEndProbability a {@code stop} finish is plausible when the request's sampler would
 *     have ended the answer there (drawn the end token, or a token that starts one of the
 *     request's stop strings) with at least this probability, or one of those tokens ranks in
 *     the top k. An honest sampler stops where it is less likely at a rate below this times the
 *     answer's length, in practice under 0.1% of answers. It catches answers cut in mid-sentence
 *     at temperatures up to about 1.2; above, the end token is that likely anywhere. Default
 *     1e-4.
 * @param finePositions positions whose claimed log-probability is compared with the reference's;
 *     default 5
 * @param logprobScale mean absolute log-probability error that scores 0: quality is {@code
 *     max(0, 1 - d / logprobScale)}; default 0.5 nats
 * @param replayTolerance when the reference's own answer to the request is also unlikely, the
 *     miner's fraction of unlikely tokens may exceed the reference's by this much (sampling
 *     noise) and still count as failing "the same way"; default 0.1
 */
record LlmCheckerConfig(List<RankTier> topK, double tailMass, int allowedFailures,
    double allowedFailureFraction, double fabricatedFraction, double maxStopHazard,
    double minEndProbability, int finePositions, double logprobScale, double replayTolerance) {

  /** Rank floor {@code k} for temperatures up to {@code maxTemperature}. */
  record RankTier(double maxTemperature, int k) {}

  /** @throws IllegalArgumentException naming the first parameter out of range */
  LlmCheckerConfig {
    topK = List.copyOf(topK);
    if (topK.isEmpty()) {
      throw new IllegalArgumentException("topK needs at least one tier");
    }
    for (int i = 0; i < topK.size(); i++) {
      if (topK.get(i).k() < 1
          || (i > 0 && !(topK.get(i).maxTemperature() > topK.get(i - 1).maxTemperature()))) {
        throw new IllegalArgumentException("topK tiers need k >= 1 and ascending temperatures,"
            + " got " + topK);
      }
    }
    require("tailMass", tailMass, tailMass >= 0 && tailMass < 1, "in [0, 1)");
    require("allowedFailures", allowedFailures, allowedFailures >= 0, ">= 0");
    require("allowedFailureFraction", allowedFailureFraction,
        allowedFailureFraction >= 0 && allowedFailureFraction < 1, "in [0, 1)");
    require("fabricatedFraction", fabricatedFraction,
        fabricatedFraction > 0 && fabricatedFraction <= 1, "in (0, 1]");
    require("maxStopHazard", maxStopHazard, maxStopHazard > 0, "> 0");
    require("minEndProbability", minEndProbability,
        minEndProbability >= 0 && minEndProbability <= 1, "in [0, 1]");
    require("finePositions", finePositions, finePositions >= 1, ">= 1");
    require("logprobScale", logprobScale, logprobScale > 0, "> 0");
    require("replayTolerance", replayTolerance, replayTolerance >= 0, ">= 0");
  }

  static LlmCheckerConfig defaults() {
    return new LlmCheckerConfig(List.of(new RankTier(0.3, 5), new RankTier(0.8, 10),
        new RankTier(1.2, 20), new RankTier(Double.POSITIVE_INFINITY, 40)),
        1e-3, 2, 0.05, 0.5, 7, 1e-4, 5, 0.5, 0.1);
  }

  /**
   * The thresholds set in {@code settings} ({@code checking.checkers.llm}), each key named as
   * the component in snake_case; absent keys keep their {@link #defaults()}. {@code top_k} is a
   * list of {@code {max_temperature, k}} (the last may leave out {@code max_temperature}: every
   * higher temperature).
   *
   * @throws ConfigException naming the key when a value is out of range or unknown
   */
  static LlmCheckerConfig read(ConfigNode settings) {
    LlmCheckerConfig d = defaults();
    List<RankTier> tiers = d.topK();
    List<ConfigNode> tierNodes = settings.sections("top_k");
    if (!tierNodes.isEmpty()) {
      tiers = new java.util.ArrayList<>();
      for (ConfigNode t : tierNodes) {
        tiers.add(new RankTier(t.decimal("max_temperature", Double.POSITIVE_INFINITY, 0,
            Double.POSITIVE_INFINITY), t.integer("k", 1, 1, 10_000)));
      }
    }
    LlmCheckerConfig config;
    try {
      config = new LlmCheckerConfig(tiers,
          settings.decimal("tail_mass", d.tailMass(), 0, 0.999),
          settings.integer("allowed_failures", d.allowedFailures(), 0, 10_000),
          settings.decimal("allowed_failure_fraction", d.allowedFailureFraction(), 0, 0.999),
          settings.decimal("fabricated_fraction", d.fabricatedFraction(), 0.001, 1),
          settings.decimal("max_stop_hazard", d.maxStopHazard(), 0.001, 1_000),
          settings.decimal("min_end_probability", d.minEndProbability(), 0, 1),
          settings.integer("fine_positions", d.finePositions(), 1, 1_000),
          settings.decimal("logprob_scale", d.logprobScale(), 0.001, 1_000),
          settings.decimal("replay_tolerance", d.replayTolerance(), 0, 1));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + settings.path() + ".top_k': " + e.getMessage());
    }
    settings.rejectUnknownKeys();
    return config;
  }

  /** The rank floor at {@code temperature}. */
  int k(double temperature) {
    for (RankTier tier : topK) {
      if (temperature <= tier.maxTemperature()) {
        return tier.k();
      }
    }
    return topK.get(topK.size() - 1).k();
  }

  /** Unlikely tokens an answer of {@code tokens} tokens may have and still pass. */
  int allowedFailures(int tokens) {
    return Math.max(allowedFailures, (int) (allowedFailureFraction * tokens));
  }

  private static void require(String name, double value, boolean ok, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(name + " must be " + expected + ", was " + value);
    }
  }
}
