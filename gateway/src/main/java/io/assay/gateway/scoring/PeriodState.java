package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import java.util.Arrays;

/**
 * What one (miner, task, period) contributes to verified volume: its binding declaration and its
 * requests summed as section 3 counts them, over the period and over the task's test window.
 * Not thread-safe.
 *
 * <p>Sums are integers, so the order requests arrive in does not matter. Two things are not
 * known when a request is recorded: the test window, which is recorded only once it has ended
 * (requests wait in {@code pending} until it is, or until the period has been over for the
 * margin: then no plan is expected any more), and whether an abandoned stream counts as a
 * success, which depends on the parameters in force when scoring ({@code abandoned} keeps them
 * whole and settles them then).
 */
final class PeriodState {

  private CapacityDeclared declaration;
  /** Requests (not abandoned) and shortfalls of the period; null while there are none. */
  private PeriodTally all;
  /** Those of the test window (shortfalls always); null while there are none. */
  private PeriodTally window;
  private long[] pending = new long[0];
  private int pendingCount;
  private boolean pendingDropped;
  private long[] abandoned = new long[0];
  private int abandonedCount;

  CapacityDeclared declaration() {
    return declaration;
  }

  /** The first declaration binds. */
  void declare(CapacityDeclared d) {
    if (declaration == null) {
      declaration = d;
    }
  }

  /**
   * Counts a request that settled as {@code settled} (not abandoned).
   *
   * @param plan the task's plan of the period when known and it tested this miner, else null
   * @param planKnown whether the task's plan of the period has been recorded
   */
  void add(Outcome settled, long assignedAt, long estimate, long units, TestPlanned plan,
      boolean planKnown) {
    if (all == null) {
      all = new PeriodTally();
    }
    all.add(settled, estimate, units);
    if (planKnown) {
      if (plan != null && plan.contains(assignedAt)) {
        window().add(settled, estimate, units);
      }
    } else if (!pendingDropped) {
      if (pendingCount * 4 == pending.length) {
        pending = Arrays.copyOf(pending, pending.length * 2 + 16);
      }
      int i = pendingCount * 4;
      pending[i] = assignedAt;
      pending[i + 1] = settled.ordinal();
      pending[i + 2] = estimate;
      pending[i + 3] = units;
      pendingCount++;
    }
  }

  void add(TestShortfall s) {
    if (all == null) {
      all = new PeriodTally();
    }
    all.add(s);
    window().add(s);
  }

  /** An abandoned stream, settled when scoring. */
  void addAbandoned(long assignedAt, long estimate, long units, double seconds) {
    if (abandonedCount * 4 == abandoned.length) {
      abandoned = Arrays.copyOf(abandoned, abandoned.length * 2 + 8);
    }
    int i = abandonedCount * 4;
    abandoned[i] = assignedAt;
    abandoned[i + 1] = estimate;
    abandoned[i + 2] = units;
    abandoned[i + 3] = Double.doubleToRawLongBits(seconds);
    abandonedCount++;
  }

  /**
   * The task's plan of the period was recorded: the pending requests in its window (when it
   * tested this miner) join the window's sums.
   *
   * @param plan the plan when it tested this miner, else null
   * @return false when requests had already been dropped waiting for it (the plan came later
   *     than the margin allows) and it tested this miner: the window's sums are incomplete
   */
  boolean planned(TestPlanned plan) {
    if (plan != null) {
      for (int k = 0; k < pendingCount; k++) {
        int i = k * 4;
        if (plan.contains(pending[i])) {
          window().add(Outcome.values()[(int) pending[i + 1]], pending[i + 2], pending[i + 3]);
        }
      }
    }
    pending = new long[0];
    pendingCount = 0;
    return plan == null || !pendingDropped;
  }

  /** No plan is expected any more: forgets the pending requests. */
  void dropPending() {
    if (pendingCount > 0) {
      pendingDropped = true;
    }
    pending = new long[0];
    pendingCount = 0;
  }

  boolean hasPending() {
    return pendingCount > 0;
  }

  /**
   * Adds this period's tallies as the reference builds them: the period's whenever it has a
   * request or shortfall, the window's whenever a request fell in a window that tested the
   * miner or it has a shortfall.
   */
  void tally(long period, String task, TestPlanned plan, ScoringParams params,
      java.util.Map<Long, PeriodTally> periods, java.util.Map<Long, PeriodTally> windows) {
    PeriodTally p = all == null ? null : copy(all);
    PeriodTally w = window == null ? null : copy(window);
    for (int k = 0; k < abandonedCount; k++) {
      int i = k * 4;
      long assignedAt = abandoned[i];
      long estimate = abandoned[i + 1];
      long units = abandoned[i + 2];
      double seconds = Double.longBitsToDouble(abandoned[i + 3]);
      Outcome settled = PeriodTally.stalled(task, units, seconds, params) ? Outcome.FAILED
          : Outcome.SUCCESS;
      if (p == null) {
        p = new PeriodTally();
      }
      p.add(settled, estimate, units);
      if (plan != null && plan.contains(assignedAt)) {
        if (w == null) {
          w = new PeriodTally();
        }
        w.add(settled, estimate, units);
      }
    }
    if (p != null) {
      periods.put(period, p);
    }
    if (w != null) {
      windows.put(period, w);
    }
  }

  private PeriodTally window() {
    if (window == null) {
      window = new PeriodTally();
    }
    return window;
  }

  private static PeriodTally copy(PeriodTally t) {
    PeriodTally c = new PeriodTally();
    c.add(t);
    return c;
  }
}
