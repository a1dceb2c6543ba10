package io.assay.checking;

/** The checking service cannot run: Redis unreachable at start, the queue unusable. */
public final class CheckingException extends RuntimeException {

  public CheckingException(String message, Throwable cause) {
    super(message, cause);
  }
}
