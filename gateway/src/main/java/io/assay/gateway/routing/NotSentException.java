package io.assay.gateway.routing;

/**
 * A synthetic request was not sent: the miner under test had no room for it now (its
 * declaration was full, or it was backing off). Nothing was asked of the miner; the scheduler
 * tries again later in the window, and what is still unsent when the window ends counts as
 * rate-limited.
 */
public final class NotSentException extends RuntimeException {

  NotSentException(String message) {
    super(message, null, false, false);
  }
}
