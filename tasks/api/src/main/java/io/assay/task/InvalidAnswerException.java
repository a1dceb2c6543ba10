package io.assay.task;

/** A miner's answer that is malformed or does not fit the request it answers. */
public final class InvalidAnswerException extends TaskException {

  public InvalidAnswerException(String message) {
    super(message);
  }

  public InvalidAnswerException(String message, Throwable cause) {
    super(message, cause);
  }
}
