package io.assay.gateway.scoring;

import java.util.Comparator;

/**
 * A successful answer as scoring sees it: its work, its time and, when it was checked, its
 * quality.
 *
 * @param seq position of its outcome in the event log (sums run in this order)
 * @param at epoch millis when it ended
 * @param miner who gave it
 * @param units {@code w}, the work it did
 * @param seconds from assignment to its last byte
 * @param checkProbability {@code p}, its chance of being checked (1 when unknown)
 * @param quality its {@code q} clamped to {@code [0, 1]} (0 for a {@code check_failed} of cause
 *     {@code answer}); null when it has no verdict that counts
 */
record Answer(long seq, long at, String miner, long units, double seconds,
    double checkProbability, Double quality) {

  /** A response faster than this is timed as this, so that speed stays finite. */
  static final double MIN_SECONDS = 0.001;

  /** Newest first; equal times by log position, later first. */
  static final Comparator<Answer> NEWEST_FIRST =
      Comparator.comparingLong(Answer::at).thenComparingLong(Answer::seq).reversed();

  /** Log order. */
  static final Comparator<Answer> LOG_ORDER = Comparator.comparingLong(Answer::seq);

  boolean checked() {
    return quality != null;
  }

  /** Its weight in the quality mean: {@code w / p}. */
  double qualityWeight() {
    return units / checkProbability;
  }

  /** Work per second. */
  double throughput() {
    return units / Math.max(seconds, MIN_SECONDS);
  }
}
