package io.assay.gateway.attestation;

import java.util.List;

/**
 * What {@link QuoteVerifier} concluded about a quote. Fields the verifier did not get to (a
 * quote it could not parse has no TEE) are null.
 *
 * @param valid whether every check passed
 * @param tee {@code sgx} or {@code tdx}
 * @param tcbStatus Intel's name of the TCB status ({@code UpToDate}, {@code OutOfDate}, ...)
 * @param advisories the Intel security advisories behind that status
 * @param measurement hex MRENCLAVE (SGX) or MRTD (TDX)
 * @param reportData the 64 bytes of report data, hex
 * @param reason null when valid; otherwise the failed check's label, a colon, and why
 * @param failed the failed check, null when valid
 */
public record Verdict(boolean valid, String tee, String tcbStatus, List<String> advisories,
    String measurement, String reportData, String reason, Check failed) {

  public Verdict {
    advisories = advisories == null ? null : List.copyOf(advisories);
  }
}
