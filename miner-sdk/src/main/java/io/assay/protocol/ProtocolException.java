package io.assay.protocol;

import java.util.Objects;

/**
 * A protocol check failed: the message says which and why, {@link #reason()} gives the HTTP
 * status and error code to answer with. Raised on the hot path for ordinary rejections, so
 * it carries no stack trace.
 */
public final class ProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  public ProtocolException(RejectReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the check failed; never null. */
  public RejectReason reason() {
    return reason;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
