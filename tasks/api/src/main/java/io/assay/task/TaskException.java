package io.assay.task;

/** Root of the errors task kinds raise. Messages say which task and what went wrong. */
public class TaskException extends RuntimeException {

  public TaskException(String message) {
    super(message);
  }

  public TaskException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the backend is only momentarily full (a prover's queue, a model server's 429): a
   * miner then sheds the request with 429 and {@code Retry-After}, as it does beyond its
   * capacity, rather than reporting a failure.
   */
  public boolean busy() {
    return false;
  }
}
