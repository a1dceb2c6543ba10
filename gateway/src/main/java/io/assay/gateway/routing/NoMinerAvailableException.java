package io.assay.gateway.routing;

/** No miner could serve a request: none serves the task, has capacity left, or answered. */
public final class NoMinerAvailableException extends RuntimeException {

  private final long retryAfterSeconds;

  public NoMinerAvailableException(String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
