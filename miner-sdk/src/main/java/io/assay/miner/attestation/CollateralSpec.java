package io.assay.miner.attestation;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What collateral a {@link TestAttestationAuthority} should sign: for which platform and TEE,
 * with which TCB status, valid when. The TCB info lists two levels: the platform's own TCB
 * with {@code tcbStatus}, and an all-zero TCB that is {@code OutOfDate}. The QE identity lists
 * the test quoting enclave as {@code UpToDate} from {@code qeUpToDateIsvSvn} up and
 * {@code OutOfDate} below.
 *
 * @param tee {@code "sgx"} or {@code "tdx"}: the TCB info id ({@code SGX}/{@code TDX}) and QE
 *     identity id ({@code QE}/{@code TD_QE}); a TDX TCB info requires TDX TCB components of
 *     zero and a TDX module signed by an all-zero MRSIGNER, so any test TD matches
 * @param platform whose FMSPC, PCE-ID, CPUSVN and PCESVN the TCB info lists
 * @param tcbStatus the platform level's status, one of Intel's ({@code UpToDate},
 *     {@code SWHardeningNeeded}, {@code ConfigurationNeeded},
 *     {@code ConfigurationAndSWHardeningNeeded}, {@code OutOfDate},
 *     {@code OutOfDateConfigurationNeeded}, {@code Revoked})
 * @param issueDate when both documents were issued
 * @param nextUpdate when both expire
 * @param qeUpToDateIsvSvn lowest QE ISVSVN that is up to date (the test QE has 8)
 */
public record CollateralSpec(
    String tee,
    TestPlatform platform,
    String tcbStatus,
    Instant issueDate,
    Instant nextUpdate,
    int qeUpToDateIsvSvn) {

  static final Set<String> TCB_STATUSES =
      Set.of(
          "UpToDate",
          "SWHardeningNeeded",
          "ConfigurationNeeded",
          "ConfigurationAndSWHardeningNeeded",
          "OutOfDate",
          "OutOfDateConfigurationNeeded",
          "Revoked");

  public CollateralSpec {
    if (!"sgx".equals(tee) && !"tdx".equals(tee)) {
      throw new IllegalArgumentException("tee must be \"sgx\" or \"tdx\", got " + tee);
    }
    if (platform == null) {
      throw new IllegalArgumentException("the platform is missing");
    }
    if (!TCB_STATUSES.contains(tcbStatus)) {
      throw new IllegalArgumentException(
          "tcbStatus must be one of " + TCB_STATUSES + ", got " + tcbStatus);
    }
    if (issueDate == null || nextUpdate == null || !nextUpdate.isAfter(issueDate)) {
      throw new IllegalArgumentException(
          "nextUpdate must come after issueDate, got " + issueDate + " .. " + nextUpdate);
    }
    EnclaveReportBody.requireU16("qeUpToDateIsvSvn", qeUpToDateIsvSvn);
  }

  /** Up-to-date SGX collateral for {@code platform}, valid from {@code issueDate} for 30 days. */
  public static CollateralSpec upToDate(TestPlatform platform, Instant issueDate) {
    return new CollateralSpec(
        "sgx",
        platform,
        "UpToDate",
        issueDate,
        issueDate.plus(Duration.ofDays(30)),
        TestQuotingEnclave.ISVSVN);
  }

  public CollateralSpec withTee(String newTee) {
    return new CollateralSpec(newTee, platform, tcbStatus, issueDate, nextUpdate, qeUpToDateIsvSvn);
  }

  public CollateralSpec withTcbStatus(String newStatus) {
    return new CollateralSpec(tee, platform, newStatus, issueDate, nextUpdate, qeUpToDateIsvSvn);
  }

  public CollateralSpec withValidity(Instant newIssueDate, Instant newNextUpdate) {
    return new CollateralSpec(
        tee, platform, tcbStatus, newIssueDate, newNextUpdate, qeUpToDateIsvSvn);
  }

  public CollateralSpec withQeUpToDateIsvSvn(int isvSvn) {
    return new CollateralSpec(tee, platform, tcbStatus, issueDate, nextUpdate, isvSvn);
  }
}
