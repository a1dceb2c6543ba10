package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import java.util.NavigableMap;

/**
 * The outcome counts of one (miner, task, period), its period score (SCORING.md section 3) and
 * the volume-weighted period score over a window of them (section 5). Mutable while outcomes are
 * added, then only read; not thread-safe.
 */
final class PeriodTally {

  final long period;
  long total;
  long rateLimited;
  long failed;
  long consumed;

  PeriodTally(long period) {
    this.period = period;
  }

  void add(RequestOutcome outcome) {
    total++;
    switch (outcome.outcome()) {
      case SUCCESS -> consumed += outcome.units();
      case RATE_LIMITED -> rateLimited++;
      case FAILED -> failed++;
    }
  }

  /**
   * The period score given the capacity declared for this period; meaningful only when
   * {@code total > 0} (no requests, no score).
   */
  double score(long declared) {
    double u = Math.max(declared - consumed, 0L) / (double) Math.max(declared, 1L);
    double good = (double) (total - rateLimited - failed) / total;
    double failPenalty = 1 - ((double) failed / total) * u;
    double ps = good * (1 - ((double) rateLimited / total) * u) * (failPenalty * failPenalty);
    return Math.max(ps, 0);
  }

  /**
   * The volume-weighted period score of one (miner, task).
   *
   * @param value NPS, already multiplied by {@code m}
   * @param periods scored periods in the window (more than {@code establishedPeriods} earns m = 1)
   * @param latest the score of the newest scored period in the window, or null if none
   */
  record Nps(double value, int periods, Double latest) {

    /**
     * Walks the scored periods of the window ending at {@code current}, newest first.
     *
     * @param tallies the (miner, task)'s tallies by period; only periods with requests
     * @param declared the (miner, task)'s declarations by period; a missing period is 0
     */
    static Nps of(NavigableMap<Long, PeriodTally> tallies, NavigableMap<Long, Long> declared,
        long current, ScoringParams params) {
      long first = current - params.npsPeriods() + 1;
      double weighted = 0;
      double volume = 0;
      long consumed = 0;
      int i = 0;
      Double latest = null;
      for (PeriodTally tally : tallies.subMap(first, true, current, true).descendingMap()
          .values()) {
        double ps = tally.score(declared.getOrDefault(tally.period, 0L));
        double decay = StrictMath.pow(params.periodDecay(), i);
        weighted += ps * tally.consumed * decay;
        volume += tally.consumed * decay;
        consumed += tally.consumed;
        latest = latest == null ? ps : latest;
        i++;
      }
      double m = i > params.establishedPeriods() ? 1 : params.newMinerMultiplier();
      double value = consumed == 0 || volume == 0 ? 0 : m * weighted / volume;
      return new Nps(value, i, latest);
    }
  }
}
