package io.assay.gateway.attestation;

/**
 * A TCB status as Intel's collateral names it, from best to worst. When the platform, the TDX
 * module and the quoting enclave each have one, a quote's status is the worst of them.
 */
public enum TcbStatus {
  UP_TO_DATE("UpToDate"),
  SW_HARDENING_NEEDED("SWHardeningNeeded"),
  CONFIGURATION_NEEDED("ConfigurationNeeded"),
  CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
  OUT_OF_DATE("OutOfDate"),
  OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
  REVOKED("Revoked");

  private final String label;

  TcbStatus(String label) {
    this.label = label;
  }

  /** Intel's name: {@code UpToDate}, {@code OutOfDate}, ... */
  public String label() {
    return label;
  }

  /** The status of Intel's name, or null for one we do not know. */
  public static TcbStatus ofLabel(String label) {
    for (TcbStatus s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    return null;
  }

  /** The worse of the two. */
  TcbStatus worst(TcbStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
