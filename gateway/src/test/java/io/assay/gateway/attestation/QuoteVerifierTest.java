package io.assay.gateway.attestation;

import static io.assay.gateway.attestation.Vectors.QVL_TIME;
import static io.assay.gateway.attestation.Vectors.flip;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 items 2 and 6: the whole verifier on real public quotes and Intel's real collateral
 * (the dcap-qvl bundle, FMSPC 90C06F000000), pinned to Intel's root, at {@link
 * Vectors#QVL_TIME}. Two quotes share that FMSPC: go-tdx-guest's version 5 sample, which passes
 * every check, and dcap-qvl's own "outdated" quote, which passes every cryptographic check but
 * reaches no TCB level. Each tampered copy must be refused by the check it breaks.
 */
class QuoteVerifierTest {

  private static final QuoteVerifier INTEL = QuoteVerifier.pinnedToIntel();
  private static final byte[] V5 = Vectors.bytes("gtg/quote_v5_sample.dat");

  // Offsets in a version 5 quote: header 48, body type and size 6, TD 1.5 report 648, then
  // the signature data's length (4), the quote signature (64), the attestation key (64), the
  // certification data's type and size (6), and inside it the QE report (384), its signature
  // (64), the authentication data's size (2) and the authentication data.
  private static final int BODY = 54;
  private static final int SIGNATURE_DATA = BODY + 648 + 4;
  private static final int QE_REPORT = SIGNATURE_DATA + 64 + 64 + 6;
  private static final int QE_REPORT_SIGNATURE = QE_REPORT + 384;
  private static final int AUTH_DATA = QE_REPORT_SIGNATURE + 64 + 2;

  /**
   * UpToDate, no advisories. The PCK certificate's SGX components and PCE SVN (13) reach the
   * TCB info's first level, and the TEE TCB SVN (0b 01 04 ...) its TDX components (5 0 3 ...),
   * so the platform is UpToDate; the TDX module is major version 1 (byte 1) at ISVSVN 11 (byte
   * 0), at least TDX_01's UpToDate level (6); the QE (ISVSVN 4 or more) is at TD_QE's only
   * level, UpToDate. The worst of the three is UpToDate.
   */
  @Test
  void goTdxGuestV5Sample_withTheQvlCollateral_isValidAndUpToDate() {
    Verdict verdict = verify(V5, Vectors.qvlCollateral(), QVL_TIME);

    assertThat(verdict.reason()).isNull();
    assertThat(verdict.valid()).isTrue();
    assertThat(verdict.tee()).isEqualTo("tdx");
    assertThat(verdict.tcbStatus()).isEqualTo("UpToDate");
    assertThat(verdict.advisories()).isEmpty();
    assertThat(verdict.measurement()).startsWith("7348651a34b2d2d3").hasSize(96);
    assertThat(verdict.reportData()).startsWith("945eaacf5abc1f71").hasSize(128);
  }

  /**
   * Refused at the TCB level, after every signature and chain check has passed. Its platform's
   * eighth SGX component (SEAMLDR ACM) has SVN 3, and every level of the TCB info asks for 5,
   * so it reaches none: Intel's QVL calls that "TCB not supported", and dcap-qvl itself only
   * passes this quote by overriding the TCB info ("outdated" is its name for it).
   */
  @Test
  void qvlOutdatedQuote_withItsCollateral_reachesNoTcbLevel() {
    Verdict verdict = verify(Vectors.qvlQuote(), Vectors.qvlCollateral(), QVL_TIME);

    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.failed()).isEqualTo(Check.TCB_LEVEL);
    assertThat(verdict.reason()).startsWith("TCB level: the platform reaches no TCB level")
        .contains("[3, 3, 2, 2, 4, 1, 0, 3, 0");
    assertThat(verdict.tee()).isEqualTo("tdx");
    assertThat(verdict.measurement()).startsWith("273828c46252fcbd");
  }

  @Test
  void aFlippedByte_inEachSignedRegion_isRefusedByTheCheckItBreaks() {
    assertRefused(flip(V5, 40), Check.QUOTE_SIGNATURE, "header user data");
    assertRefused(flip(V5, BODY + 16), Check.QUOTE_SIGNATURE, "body (MRSEAM)");
    assertRefused(flip(V5, BODY + 584 - 1), Check.QUOTE_SIGNATURE, "body (report data)");
    assertRefused(flip(V5, QE_REPORT + 320), Check.QE_REPORT_SIGNATURE, "QE report");
    assertRefused(flip(V5, QE_REPORT_SIGNATURE + 5), Check.QE_REPORT_SIGNATURE,
        "QE report signature");
    assertRefused(flip(V5, SIGNATURE_DATA + 7), Check.QUOTE_SIGNATURE, "quote signature");
    assertRefused(flip(V5, AUTH_DATA + 3), Check.QE_REPORT_DATA, "QE authentication data");
    assertRefused(flip(V5, SIGNATURE_DATA + 64 + 10), Check.QE_REPORT_DATA,
        "attestation key");
  }

  @Test
  void aTruncatedQuote_isRefusedAsMalformed() {
    Verdict verdict = verify(Arrays.copyOf(V5, 1000), Vectors.qvlCollateral(), QVL_TIME);

    assertThat(verdict.failed()).isEqualTo(Check.QUOTE_FORMAT);
    assertThat(verdict.reason()).contains("signature data");
  }

  /** The QVL quote's PCK chain (another platform, same FMSPC) in place of the sample's. */
  @Test
  void anotherPlatformsPckChain_isRefused_atTheQeReportSignature() {
    byte[] swapped = V5.clone();
    byte[] chain = QuoteParser.parse(Vectors.qvlQuote()).signature().pckChainPem();
    int at = indexOf(V5, "-----BEGIN CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII));
    assertThat(QuoteParser.parse(V5).signature().pckChainPem()).hasSameSizeAs(chain);
    System.arraycopy(chain, 0, swapped, at, chain.length);

    Verdict verdict = verify(swapped, Vectors.qvlCollateral(), QVL_TIME);

    assertThat(verdict.failed()).isEqualTo(Check.QE_REPORT_SIGNATURE);
  }

  /** The PCK CRL's issuer chain (PCK Platform CA) offered as the TCB info's signer. */
  @Test
  void collateralSignedByAnotherIntelCertificate_isRefused() {
    Collateral real = Vectors.qvlCollateral();
    Collateral swapped = new Collateral(real.pckCrlIssuerChain(), real.rootCaCrl(),
        real.pckCrl(), real.pckCrlIssuerChain(), real.tcbInfoJson(), real.tcbInfo(),
        real.qeIdentityIssuerChain(), real.qeIdentityJson(), real.qeIdentity());

    Verdict verdict = verify(V5, swapped, QVL_TIME);

    assertThat(verdict.failed()).isEqualTo(Check.COLLATERAL_SIGNATURE);
    assertThat(verdict.reason()).contains("Intel SGX PCK Platform CA");
  }

  @Test
  void tamperedTcbInfoJson_isRefused_atItsSignature() {
    Collateral real = Vectors.qvlCollateral();
    String json = real.tcbInfoJson().body().replace("\"tcbStatus\":\"OutOfDate\"",
        "\"tcbStatus\":\"UpToDate\"");
    assertThat(json).isNotEqualTo(real.tcbInfoJson().body());

    Verdict verdict = verify(Vectors.qvlQuote(),
        real.withTcbInfo(new SignedJson(json, real.tcbInfoJson().signature())), QVL_TIME);

    assertThat(verdict.failed()).isEqualTo(Check.COLLATERAL_SIGNATURE);
    assertThat(verdict.reason()).contains("the signature over the TCB info's JSON");
  }

  /** dcap-rs's SGX TCB info (FMSPC 00606a000000) in the QVL bundle, for the TDX quote. */
  @Test
  void anotherPlatformsTcbInfo_isRefused_namingBothFmspcs() {
    SignedJson dcapRs = SignedJson.fromPcsResponse(Vectors.text("dcaprs/tcbinfov2.json"),
        "tcbInfo");

    Verdict verdict = verify(Vectors.qvlQuote(), Vectors.qvlCollateral().withTcbInfo(dcapRs),
        QVL_TIME);

    assertThat(verdict.failed()).isEqualTo(Check.COLLATERAL_MATCH);
    assertThat(verdict.reason()).contains("FMSPC 00606a000000")
        .contains("quote's platform is FMSPC 90c06f000000");
  }

  @Test
  void expiredOrNotYetIssuedCollateral_isRefused_byItsDates() {
    Verdict late = verify(V5, Vectors.qvlCollateral(), Instant.parse("2026-03-21T00:00:00Z"));
    assertThat(late.failed()).isEqualTo(Check.COLLATERAL_DATES);
    assertThat(late.reason()).contains("expired").contains("next update 2026-03-20");

    Verdict early = verify(V5, Vectors.qvlCollateral(), Instant.parse("2026-02-01T00:00:00Z"));
    assertThat(early.failed()).isEqualTo(Check.COLLATERAL_DATES);
    assertThat(early.reason()).contains("was issued");
  }

  @Test
  void anotherRoot_isRefused() {
    // The TCB signing certificate is Intel's, but not the root this verifier pins.
    QuoteVerifier other = new QuoteVerifier(Vectors.qvlCollateral().tcbInfoIssuerChain().get(0));

    Verdict verdict = other.verify(V5, Vectors.qvlCollateral(), QVL_TIME, null,
        AttestationPolicy.PERMISSIVE);

    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.failed()).isEqualTo(Check.COLLATERAL_SIGNATURE);
  }

  @Test
  void reportData_isComparedWithTheExpectedValue() {
    byte[] actual = QuoteParser.parse(V5).report().reportData();

    assertThat(INTEL.verify(V5, Vectors.qvlCollateral(), QVL_TIME, actual,
        AttestationPolicy.PERMISSIVE).valid()).isTrue();
    Verdict wrong = INTEL.verify(V5, Vectors.qvlCollateral(), QVL_TIME, flip(actual, 63),
        AttestationPolicy.PERMISSIVE);
    assertThat(wrong.failed()).isEqualTo(Check.REPORT_DATA);
    assertThat(wrong.reason()).isEqualTo("report data: the quote's report data is not the"
        + " expected value");
  }

  @Test
  void measurements_mustBeOnThePolicysAllowList() {
    String mrTd = verify(V5, Vectors.qvlCollateral(), QVL_TIME).measurement();
    AttestationPolicy listed = policy("{\"mrtd\":[\"" + mrTd.toUpperCase() + "\"]}");
    AttestationPolicy other = policy("{\"mrtd\":[\"" + "00".repeat(48) + "\"]}");
    AttestationPolicy sgxOnly = policy("{\"mrenclave\":[\"" + "11".repeat(32) + "\"]}");

    assertThat(verify(V5, listed).valid()).isTrue();
    Verdict notListed = verify(V5, other);
    assertThat(notListed.failed()).isEqualTo(Check.MEASUREMENT);
    assertThat(notListed.reason()).contains("MRTD " + mrTd).contains("allow-list");
    assertThat(verify(V5, sgxOnly).reason())
        .isEqualTo("measurement: the policy accepts only sgx quotes, this is tdx");
  }

  @Test
  void tcbStatusesAndAdvisories_mustBeAcceptedByThePolicy() {
    assertThat(verify(V5, policy("{\"accepted_tcb_statuses\":[\"UpToDate\"]}")).valid())
        .isTrue();
    Verdict refused = verify(V5, policy("accepted_tcb_statuses: [SWHardeningNeeded]\n"));
    assertThat(refused.failed()).isEqualTo(Check.TCB_POLICY);
    assertThat(refused.reason()).contains("UpToDate is not accepted");
  }

  private static Verdict verify(byte[] quote, Collateral collateral, Instant now) {
    return INTEL.verify(quote, collateral, now, null, AttestationPolicy.PERMISSIVE);
  }

  private static Verdict verify(byte[] quote, AttestationPolicy policy) {
    return INTEL.verify(quote, Vectors.qvlCollateral(), QVL_TIME, null, policy);
  }

  private static AttestationPolicy policy(String text) {
    return AttestationPolicy.parse(text);
  }

  private static void assertRefused(byte[] quote, Check check, String what) {
    Verdict verdict = verify(quote, Vectors.qvlCollateral(), QVL_TIME);
    assertThat(verdict.valid()).as(what).isFalse();
    assertThat(verdict.failed()).as(what + ": " + verdict.reason()).isEqualTo(check);
    assertThat(verdict.reason()).as(what).startsWith(check.label() + ": ");
  }

  private static int indexOf(byte[] data, byte[] part) {
    for (int i = 0; i + part.length <= data.length; i++) {
      if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
