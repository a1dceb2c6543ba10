package io.assay.task.zk.groth16;

/**
 * A proof, signal or key fails a check; the message is the reason given to the caller. Control
 * flow only, so no stack trace.
 */
final class RejectedInput extends RuntimeException {

  RejectedInput(String reason) {
    super(reason, null, false, false);
  }
}
