package io.assay.gateway.leader;

/** Work only the leader may record was asked of a gateway that does not (or no longer) lead. */
public final class NotLeaderException extends RuntimeException {

  public NotLeaderException(String message) {
    super(message, null, false, false);
  }
}
