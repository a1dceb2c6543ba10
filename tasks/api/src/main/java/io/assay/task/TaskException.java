package io.assay.task;

/** Root of the errors task kinds raise. Messages say which task and what went wrong. */
public class TaskException extends RuntimeException {

  public TaskException(String message) {
    super(message);
  }

  public TaskException(String message, Throwable cause) {
    super(message, cause);
  }
}
