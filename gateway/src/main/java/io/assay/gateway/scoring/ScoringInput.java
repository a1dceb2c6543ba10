package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * What {@link WeightCalculator} reads of the visible event log: the latest parameters, task
 * weights and uids, and per task and miner the declarations, plans, tallies and answers. Two
 * implementations: {@link ScoringLog}, built from the whole log for one computation (the
 * reference), and {@link ScoringState}, kept up to date event by event. Both feed the same
 * assembly code, so they can differ only in how they gather the data, never in the arithmetic
 * that turns it into weights.
 */
interface ScoringInput {

  /** The parameters, task weights and uids in force. */
  LatestSettings settings();

  default ScoringParams params() {
    return settings().params();
  }

  default SortedMap<String, Double> taskWeights() {
    return settings().taskWeights();
  }

  default SortedMap<String, Integer> uids() {
    return settings().uids();
  }

  /** Every miner with a visible declaration, outcome or shortfall, by hotkey. */
  Set<String> miners();

  /** Every task with a visible declaration, outcome or shortfall. */
  Set<String> tasks();

  /** The miners of {@code task}, by hotkey; empty when none appears. */
  SortedMap<String, ? extends Series> series(String task);

  /** The quality and speed bonus of the miners of {@code task}. */
  Answers answers(String task);

  /** The declarations, plans and request tallies of one (miner, task). */
  interface Series {

    /** The binding declaration of {@code period}, or null. */
    CapacityDeclared declaration(long period);

    /** {@code c} of {@code period}: 0 when none was declared. */
    default long declared(long period) {
      CapacityDeclared d = declaration(period);
      return d == null ? 0 : d.declared();
    }

    /**
     * {@code c} of {@code period} as far as the task's test windows of the period tested it:
     * all of it unless the budget capped them (the cap applies to every miner of the task).
     */
    double testedCapacity(long period);

    /**
     * Whether the task's plan of {@code period} left this miner out: the budget tested no one
     * that period (or, in a log written before plans were all or none, others only).
     */
    boolean leftOut(long period);

    /** The task's test plan for {@code period} when it tested this miner, or null. */
    TestPlanned plan(long period);

    /**
     * Adds every request and shortfall of the periods {@code first..last} to their period's
     * tally, and those of a test window to the window's tally too (a shortfall always goes to
     * both, plan or not).
     */
    void tally(long first, long last, ScoringParams params, Map<Long, PeriodTally> periods,
        Map<Long, PeriodTally> windows);
  }

  /** Section 4 for one task: quality per miner, and the pooled speed bonus. */
  interface Answers {

    /** {@code Q} of {@code miner} over its checked answers. */
    QualityScore quality(String miner);

    /**
     * Every miner's speed bonus, by hotkey (0 for a miner without answers in the window).
     *
     * @param meanQuality each miner's {@link QualityScore#meanQuality()}
     */
    SortedMap<String, Double> speedBonus(Map<String, Double> meanQuality);
  }
}
