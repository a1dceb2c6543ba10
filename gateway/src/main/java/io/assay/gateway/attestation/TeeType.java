package io.assay.gateway.attestation;

/** The trusted execution environment a quote comes from, with its code in the quote header. */
public enum TeeType {
  SGX(0x00, "sgx"),
  TDX(0x81, "tdx");

  private final int code;
  private final String label;

  TeeType(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** The lower-case name used in verdicts and policy files: {@code sgx} or {@code tdx}. */
  public String label() {
    return label;
  }

  /** The TEE of a header's type field, or null for one we do not know. */
  static TeeType ofCode(long code) {
    for (TeeType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /** The TEE of a policy file's {@code tee} value, or null. */
  static TeeType ofLabel(String label) {
    for (TeeType t : values()) {
      if (t.label.equalsIgnoreCase(label)) {
        return t;
      }
    }
    return null;
  }
}
