package io.assay.gateway.attestation;

/**
 * The checks a quote goes through, in the order {@link QuoteVerifier} runs them; a refusal
 * names the first that failed, and its {@link #label()} opens the reason.
 */
public enum Check {
  /** The quote's bytes: versions, lengths, TEE type, key type, QE vendor, certification data. */
  QUOTE_FORMAT("quote format"),
  /** The collateral's own form: JSON, hex, PEM, DER. */
  COLLATERAL_FORMAT("collateral format"),
  /** The collateral is for this quote: TEE type, FMSPC, PCE-ID, QE identity kind. */
  COLLATERAL_MATCH("collateral match"),
  /** CRLs, TCB info and QE identity are current at the verification time. */
  COLLATERAL_DATES("collateral dates"),
  /** TCB info and QE identity are signed, over their raw JSON, by a chain to the pinned root. */
  COLLATERAL_SIGNATURE("collateral signature"),
  /** The PCK certificate chains to the pinned root, and no certificate in it is revoked. */
  PCK_CHAIN("PCK certificate chain"),
  /** The PCK key signed the QE report. */
  QE_REPORT_SIGNATURE("QE report signature"),
  /** The QE report binds the attestation key and the QE authentication data. */
  QE_REPORT_DATA("QE report data"),
  /** The attestation key signed the header and body. */
  QUOTE_SIGNATURE("quote signature"),
  /** The platform's SVNs reach a TCB level, and it is not revoked. */
  TCB_LEVEL("TCB level"),
  /** The quoting enclave is Intel's, as the QE identity describes it. */
  QE_IDENTITY("QE identity"),
  /** Policy: no debug enclave or TD. */
  DEBUG("debug"),
  /** Policy: the measurements are on the allow-list. */
  MEASUREMENT("measurement"),
  /** Policy: the TCB status and advisories are accepted. */
  TCB_POLICY("TCB policy"),
  /** The report data is the expected value. */
  REPORT_DATA("report data");

  private final String label;

  Check(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
