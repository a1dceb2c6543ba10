package io.assay.task.zk.prover;

/**
 * The prover's queue is full: honest load shedding, which a miner answers with 429 and
 * {@code Retry-After}. No stack trace: this is control flow.
 */
public final class ProverOverloadedException extends ProverException {

  public ProverOverloadedException(String message) {
    super(message);
  }

  @Override
  public boolean busy() {
    return true;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
