package io.assay.miner;

import java.time.Duration;
import java.util.Objects;

/**
 * What a miner answers to {@code GET /capacity}: given the honest declaration (every offer's
 * declared volume, what it has consumed and its concurrency), the declaration to send, or null to
 * answer 503 (no declaration). Honest miners send the honest declaration ({@link #HONEST}, the
 * default of {@link Miner.Builder#declarationPolicy}); simulations of cheaters send something else,
 * or nothing, at chosen polls (see {@code io.assay.miner.sim.DeclarationPolicies}).
 *
 * <p>Called on the miner's event loop, once per authenticated poll, so it must be quick and must
 * not block; a policy used by several miners must be thread-safe.
 */
@FunctionalInterface
public interface DeclarationPolicy {

  /** Sends the honest declaration at every poll. */
  DeclarationPolicy HONEST = (honest, poll) -> honest;

  /**
   * The declaration to send for this poll.
   *
   * @param honest what an honest miner would send now
   * @param poll which poll of which period this is
   * @return the declaration to send, or null to answer 503
   */
  CapacityDeclaration declare(CapacityDeclaration honest, Poll poll);

  /**
   * One {@code GET /capacity} as the miner counts it.
   *
   * @param period the current period's index ({@code epoch millis / period length})
   * @param index how many polls of this period came before this one (0 for the first)
   * @param intoPeriod how long ago the period started
   * @param periodLength the length of a period
   */
  record Poll(long period, long index, Duration intoPeriod, Duration periodLength) {

    public Poll {
      Objects.requireNonNull(intoPeriod, "intoPeriod");
      Objects.requireNonNull(periodLength, "periodLength");
      if (index < 0) {
        throw new IllegalArgumentException("a poll's index must be >= 0, was " + index);
      }
    }

    /** How far into its period this poll is, from 0 (its start) to just below 1. */
    public double fractionIntoPeriod() {
      return (double) intoPeriod.toNanos() / periodLength.toNanos();
    }
  }
}
