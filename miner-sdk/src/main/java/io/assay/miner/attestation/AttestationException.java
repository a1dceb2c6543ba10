package io.assay.miner.attestation;

/**
 * A quote could not be produced: no enclave, an attestation device that refused the request,
 * or a test authority that could not sign. The message says which and where.
 */
public final class AttestationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public AttestationException(String message) {
    super(message);
  }

  public AttestationException(String message, Throwable cause) {
    super(message, cause);
  }
}
