package io.assay.task.zk.groth16;

/**
 * The outcome of checking one proof: valid, or not with a short human reason (which check
 * failed, and on what). The reason is null when valid.
 */
public record Verdict(boolean valid, String reason) {

  private static final Verdict OK = new Verdict(true, null);

  public static Verdict ok() {
    return OK;
  }

  public static Verdict invalid(String reason) {
    return new Verdict(false, reason);
  }
}
