package io.assay.gateway.scoring;

/**
 * What {@link ScoringState} has dropped so far, so that a computation whose parameters need
 * more (a longer window, more answers) is refused rather than computed short.
 */
final class Evictions {

  /** The newest answer time dropped from the quality window's rows. */
  long rowsUpTo = Long.MIN_VALUE;
  /** The newest period dropped. */
  long periodsUpTo = Long.MIN_VALUE;
  /** The smallest bound under which old checked answers were dropped. */
  int checkedLimit = Integer.MAX_VALUE;
  /** The smallest bound under which old response times were dropped. */
  int recentLimit = Integer.MAX_VALUE;
}
