package io.assay.gateway.scoring;

import java.util.Comparator;

/**
 * An answer that has left the quality window but may still count: among a miner's newest checked
 * answers when its window holds fewer than {@code min_answers}, or among a task's newest
 * successful response times that draw the zk speed curve.
 *
 * @param seq its outcome's position in the log
 * @param at when it ended
 * @param quality its counting quality, NaN when unchecked
 * @param powered {@code quality^exponent}, NaN when unchecked
 * @param verdictSeq the position of the verdict that counts, -1 when unchecked
 * @param abandoned an abandoned stream: an answer only if it kept the minimum rate
 */
record OldAnswer(long seq, long at, long units, double seconds, double weight, double quality,
    double powered, long verdictSeq, boolean abandoned) {

  /** Newest first, as {@link Answer#NEWEST_FIRST}. */
  static final Comparator<OldAnswer> NEWEST_FIRST =
      Comparator.comparingLong(OldAnswer::at).thenComparingLong(OldAnswer::seq).reversed();

  boolean checked() {
    return !Double.isNaN(quality);
  }

  /** Whether it is an answer under {@code params} (an abandoned stream may be a failure). */
  boolean answer(String task, ScoringParams params) {
    return !abandoned || !PeriodTally.stalled(task, units, seconds, params);
  }

  OldAnswer repowered(double exponent) {
    return checked() ? new OldAnswer(seq, at, units, seconds, weight, quality,
        StrictMath.pow(quality, exponent), verdictSeq, abandoned) : this;
  }
}
