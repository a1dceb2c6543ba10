package io.assay.gateway.scoring;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Quality {@code Q} and speed {@code V} of one (miner, task) over its recent answers (SCORING.md
 * section 4). See {@link WeightCalculator} for the rules on which answers count and on the
 * not-yet-checked case.
 *
 * @param answers the answers considered
 * @param checked how many of them carry a quality check
 * @param quality {@code Q} as used in {@code CQS}; 1 when none is checked, 0 when no answers
 * @param speed {@code V}; 0 when there are no answers
 */
record QualityScore(int answers, int checked, double quality, double speed) {

  /** A response faster than this is timed as this, so that speed stays finite. */
  static final double MIN_SECONDS = 0.001;

  /** A successful outcome; {@code seq} is its position in the event log. */
  record Answer(long at, String answerId, long seq, long units, double seconds) {

    double speed() {
      return units / Math.max(seconds, MIN_SECONDS);
    }
  }

  /** Newest first; equal times by answer id, then log position, descending. */
  static final Comparator<Answer> NEWEST_FIRST = Comparator.comparingLong(Answer::at)
      .thenComparing(Answer::answerId).thenComparingLong(Answer::seq).reversed();

  /**
   * Scores the answers of one (miner, task).
   *
   * @param answers its successful, visible outcomes, in any order
   * @param rawQuality the latest raw {@code q} of an answer id, or null if it was never checked
   */
  static QualityScore of(List<Answer> answers, Function<String, Double> rawQuality,
      ScoringParams params, long computedAt) {
    return of(answers, rawQuality, params, computedAt, Answer::speed);
  }

  /**
   * Like {@link #of(List, Function, ScoringParams, long)}, with {@code v} of an answer given by
   * {@code speed} (a {@link ResponseTimeCurve} for tasks judged by response time).
   */
  static QualityScore of(List<Answer> answers, Function<String, Double> rawQuality,
      ScoringParams params, long computedAt, ToDoubleFunction<Answer> speed) {
    Answer[] newest = counted(answers, params, computedAt);
    int n = newest.length;
    if (n == 0) {
      return new QualityScore(0, 0, 0, 0);
    }
    double[] speeds = new double[n];
    double[] weightedSpeeds = new double[n];
    double sum = 0;
    int checked = 0;
    for (int i = 0; i < n; i++) {
      speeds[i] = speed.applyAsDouble(newest[i]);
      Double raw = rawQuality.apply(newest[i].answerId());
      if (raw != null) {
        double q = Math.min(Math.max(raw, 0), 1);
        sum += StrictMath.pow(q, params.qualityExponent());
        weightedSpeeds[checked++] = q * speeds[i];
      }
    }
    if (checked == 0) {
      return new QualityScore(n, 0, 1, nearestRank(speeds, params.speedPercentile()));
    }
    double q = sum / checked;
    q = q <= params.qualityThreshold() ? q * q : q;
    double v = nearestRank(Arrays.copyOf(weightedSpeeds, checked), params.speedPercentile());
    return new QualityScore(n, checked, q, v);
  }

  /**
   * The answers that count, newest first: those at or after {@code computedAt - qualityWindow},
   * or if fewer, the newest {@code minAnswers}.
   */
  static Answer[] counted(List<Answer> answers, ScoringParams params, long computedAt) {
    Answer[] newest = answers.toArray(Answer[]::new);
    Arrays.sort(newest, NEWEST_FIRST);
    long from = computedAt - params.qualityWindow().toMillis();
    int inWindow = 0;
    while (inWindow < newest.length && newest[inWindow].at() >= from) {
      inWindow++;
    }
    int n = Math.max(inWindow, Math.min(params.minAnswers(), newest.length));
    return Arrays.copyOf(newest, n);
  }

  /**
   * The nearest-rank percentile: the value at index {@code ceil(p * n) - 1} (at least 0) of the
   * values sorted ascending. {@code p * n} is computed exactly on the decimal value of {@code
   * p}, so 0.3 of 10 values is the 3rd, not the 4th.
   *
   * @param values at least one; not modified
   * @param p in {@code [0, 1]}
   */
  static double nearestRank(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int rank = BigDecimal.valueOf(p).multiply(BigDecimal.valueOf(sorted.length))
        .setScale(0, RoundingMode.CEILING).intValueExact();
    return sorted[Math.max(rank - 1, 0)];
  }
}
