package io.assay.task.upstream;

import io.assay.task.TaskException;

/**
 * An upstream model server could not give an answer: it refused the call (non-2xx), could not be
 * reached, or did not answer in time.
 *
 * <p>Callers branch on {@link #status()} (for example to pass a 429 on as honest load shedding)
 * and on {@link #timedOut()}; the message names the server, the call and what went wrong, and
 * carries the server's own error message when it sent one.
 */
public final class UpstreamException extends TaskException {

  /** {@link #status()} when no HTTP response was received. */
  public static final int NO_RESPONSE = 0;

  private final int status;
  private final boolean timedOut;
  private final String serverMessage;

  UpstreamException(String message, int status, boolean timedOut, String serverMessage,
      Throwable cause) {
    super(message, cause);
    this.status = status;
    this.timedOut = timedOut;
    this.serverMessage = serverMessage;
  }

  /** The HTTP status the server answered with, or {@link #NO_RESPONSE}. */
  public int status() {
    return status;
  }

  /** Whether the call was abandoned because it took longer than the configured timeout. */
  public boolean timedOut() {
    return timedOut;
  }

  /** A 429 from the server: it is full, not broken. */
  @Override
  public boolean busy() {
    return status == 429;
  }

  /** The error message the server sent in its body, or null when there was none. */
  public String serverMessage() {
    return serverMessage;
  }
}
