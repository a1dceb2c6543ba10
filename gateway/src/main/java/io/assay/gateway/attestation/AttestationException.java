package io.assay.gateway.attestation;

/**
 * A quote refused, or collateral that cannot be used: which {@link Check} failed and why. It
 * is control flow, not a bug, so it carries no stack trace; the cause, when there is one (a
 * certificate path error), is kept.
 */
public final class AttestationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Check check;

  public AttestationException(Check check, String why) {
    this(check, why, null);
  }

  public AttestationException(Check check, String why, Throwable cause) {
    super(check.label() + ": " + why, cause, false, false);
    this.check = check;
  }

  /** The check that failed. */
  public Check check() {
    return check;
  }
}
