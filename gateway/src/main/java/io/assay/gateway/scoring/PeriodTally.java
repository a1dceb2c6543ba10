package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;

/**
 * The settled units of one (miner, task) over a set of requests, a period's or a test window's,
 * and the period score formula of SCORING.md section 3 over them. Mutable while requests are
 * added, then only read; not thread-safe.
 *
 * <p>Units settle as section 2 says: a success at the work {@code w} it did, a rate-limited or
 * failed request at its estimate {@code e}. An abandoned stream is a success of its {@code w},
 * unless it was then below {@code stream.min_rate} after {@code stream.ttft_max}: then it is a
 * failure at {@code e}.
 */
final class PeriodTally {

  /** {@code E}: settled units of every request. */
  long asked;
  /** {@code E429}. */
  long rateLimited;
  /** {@code Efail}. */
  long failed;
  /** The sum of {@code w} over successes. */
  long consumed;
  long requests;
  long rateLimitedRequests;
  long failedRequests;

  void add(RequestOutcome o, ScoringParams params) {
    add(settle(o, params), o.estimate(), o.units());
  }

  /** A request that settled as {@code settled} (never {@code ABANDONED}). */
  void add(Outcome settled, long estimate, long units) {
    requests++;
    switch (settled) {
      case SUCCESS -> {
        asked += units;
        consumed += units;
      }
      case RATE_LIMITED -> {
        asked += estimate;
        rateLimited += estimate;
        rateLimitedRequests++;
      }
      default -> {
        asked += estimate;
        failed += estimate;
        failedRequests++;
      }
    }
  }

  /** Adds everything {@code other} counted. */
  void add(PeriodTally other) {
    asked += other.asked;
    rateLimited += other.rateLimited;
    failed += other.failed;
    consumed += other.consumed;
    requests += other.requests;
    rateLimitedRequests += other.rateLimitedRequests;
    failedRequests += other.failedRequests;
  }

  void add(TestShortfall s) {
    asked += s.units();
    if (s.outcome() == Outcome.RATE_LIMITED) {
      rateLimited += s.units();
    } else {
      failed += s.units();
    }
  }

  /**
   * What an outcome counts as: {@link Outcome#ABANDONED} becomes a success or a failure by the
   * miner's rate when the user left; every other outcome is itself.
   */
  static Outcome settle(RequestOutcome o, ScoringParams params) {
    if (o.outcome() != Outcome.ABANDONED) {
      return o.outcome();
    }
    return stalled(o.task(), o.units(), o.seconds(), params) ? Outcome.FAILED : Outcome.SUCCESS;
  }

  /**
   * Whether a stream of {@code task} the user left after {@code seconds}, with {@code units}
   * done, was then below the task's minimum rate: it counts as failed, else as a success.
   */
  static boolean stalled(String task, long units, double seconds, ScoringParams params) {
    double allowance = params.streamTtftMax().toMillis() / 1000.0;
    double minRate = params.task(task).minRate();
    return seconds > allowance && units < (seconds - allowance) * minRate;
  }

  /**
   * {@code PS} against a declaration of {@code declared} units, or null when nothing was asked
   * ({@code E = 0} gives no score).
   */
  Double score(double declared) {
    if (asked == 0) {
      return null;
    }
    double u = Math.max(declared - consumed, 0) / Math.max(declared, 1);
    double e = asked;
    double good = (e - rateLimited - failed) / e;
    double failPenalty = 1 - (failed / e) * u;
    double ps = good * (1 - (rateLimited / e) * u) * (failPenalty * failPenalty);
    return Math.max(ps, 0);
  }
}
