package io.assay.gateway.attestation;

/**
 * A parsed DCAP quote: SGX version 3, or TDX version 4 or 5. Read it with {@link QuoteParser};
 * nothing in it is trusted until {@link QuoteVerifier} has checked it. Arrays are the parser's
 * copies; do not modify.
 *
 * @param version the quote format version (3, 4 or 5)
 * @param qeSvn the quoting enclave's SVN as the header states it (reserved in version 4 and 5)
 * @param pceSvn the provisioning certification enclave's SVN as the header states it
 * @param qeVendorId 16 bytes; Intel's quoting enclave has {@link QuoteParser#INTEL_QE_VENDOR}
 * @param report the body: an {@link EnclaveReport} for SGX, a {@link TdReport} for TDX
 * @param signedBytes header and body exactly as they are in the quote (for version 5 with the
 *     body's type and size): what the attestation key signed
 * @param signature the signature data: signatures, keys, QE report and certificates
 */
public record Quote(int version, TeeType tee, int attestationKeyType, int qeSvn, int pceSvn,
    byte[] qeVendorId, Report report, byte[] signedBytes, QuoteSignature signature) {

  /** The SGX body; only for {@link TeeType#SGX}. */
  public EnclaveReport enclave() {
    return (EnclaveReport) report;
  }

  /** The TDX body; only for {@link TeeType#TDX}. */
  public TdReport td() {
    return (TdReport) report;
  }

  /**
   * The signature data of an ECDSA quote.
   *
   * @param quoteSignature the attestation key's signature over {@link Quote#signedBytes}, raw
   *     r || s (64 bytes)
   * @param attestationKey the attestation public key, raw x || y on P-256 (64 bytes)
   * @param qeReport the quoting enclave's report, as parsed
   * @param qeReportBytes the same report as it is in the quote: what the PCK key signed
   * @param qeReportSignature the PCK key's signature over the QE report, raw r || s
   * @param qeAuthData the QE authentication data, hashed with the attestation key into the QE
   *     report data
   * @param pckChainPem the PCK certificate chain (certification data type 5), PEM, leaf first
   */
  public record QuoteSignature(byte[] quoteSignature, byte[] attestationKey,
      EnclaveReport qeReport, byte[] qeReportBytes, byte[] qeReportSignature, byte[] qeAuthData,
      byte[] pckChainPem) {}
}
