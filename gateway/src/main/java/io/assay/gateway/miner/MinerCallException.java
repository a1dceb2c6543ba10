package io.assay.gateway.miner;

/**
 * A call to a miner that produced no usable answer. {@link #outcome()} says how it failed, which
 * decides whether the request is retried elsewhere and how the miner is scored.
 */
public final class MinerCallException extends RuntimeException {

  /** How a call failed. */
  public enum Outcome {
    /** Connection refused, reset or closed before an answer. */
    UNREACHABLE,
    /** Silent for longer than the miner timeout. */
    TIMEOUT,
    /** 429: the miner shed load (honest when its capacity is used up). */
    RATE_LIMITED,
    /** The miner refused our session or request (401/403). */
    REJECTED,
    /** The answer's receipt is missing or does not match: it cannot be attributed. */
    BAD_RECEIPT,
    /** The answer is malformed or does not fit the request. */
    BAD_ANSWER,
    /** Any other error status. */
    ERROR
  }

  private final Outcome outcome;
  private final long retryAfterSeconds;

  public MinerCallException(Outcome outcome, String message) {
    this(outcome, message, 0, null);
  }

  public MinerCallException(Outcome outcome, String message, long retryAfterSeconds,
      Throwable cause) {
    super(message, cause);
    this.outcome = outcome;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public Outcome outcome() {
    return outcome;
  }

  /** For {@link Outcome#RATE_LIMITED}: the miner's Retry-After, else 0. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Expected in normal operation: no stack trace. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
