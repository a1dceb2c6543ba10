package io.assay.task.zk.prover;

import io.assay.task.TaskException;

/**
 * A proof could not be made: the worker reported an error, timed out, died, or the prover is
 * closed or unavailable. The message names the circuit and what happened.
 */
public class ProverException extends TaskException {

  public ProverException(String message) {
    super(message);
  }

  public ProverException(String message, Throwable cause) {
    super(message, cause);
  }
}
