package io.assay.gateway.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.miner.attestation.TestAttestationAuthority;
import io.assay.miner.attestation.TestEnclave;
import io.assay.miner.attestation.TestPlatform;
import io.assay.miner.attestation.TestQuoteProvider;
import io.assay.protocol.AttestationBinding;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The verifier against quotes the miner SDK's test authority signs, the way an attested devnet
 * uses them: a quote binding a session verifies when the test root is pinned, and is refused
 * with Intel's root pinned, with another session's report data, for a debug enclave under the
 * default policy and for a measurement not on the allow-list.
 */
class TestAuthorityQuotesTest {

  private static final TestAttestationAuthority AUTHORITY = TestAttestationAuthority.create();
  private static final Hotkey MINER = Identity.generate().hotkey();

  private static byte[] binding() {
    byte[] nonce = new byte[32];
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(nonce);
    new SecureRandom().nextBytes(key);
    return AttestationBinding.reportData(nonce, key, MINER);
  }

  private static Collateral collateral(TestQuoteProvider provider) {
    return Collateral.fromQvlJson(provider.collateral().toJson());
  }

  @Test
  void aTestAuthorityQuote_verifiesWithItsRootPinned_upToDate() {
    TestQuoteProvider provider = TestQuoteProvider.create(AUTHORITY);
    byte[] reportData = binding();
    Verdict verdict = new QuoteVerifier(AUTHORITY.rootCertificate()).verify(
        provider.quote(reportData), collateral(provider), Instant.now(), reportData,
        AttestationPolicy.PERMISSIVE);
    assertThat(verdict.reason()).isNull();
    assertThat(verdict.valid()).isTrue();
    assertThat(verdict.tee()).isEqualTo("sgx");
    assertThat(verdict.tcbStatus()).isEqualTo("UpToDate");
    assertThat(verdict.reportData()).isEqualTo(HexFormat.of().formatHex(reportData));
    assertThat(verdict.measurement()).isEqualTo(HexFormat.of()
        .formatHex(TestEnclave.example().mrEnclave()));
  }

  @Test
  void theSameQuote_isRefused_underIntelsRoot_forAnotherSession_debug_orOffTheAllowList() {
    TestQuoteProvider provider = TestQuoteProvider.create(AUTHORITY);
    byte[] reportData = binding();
    byte[] quote = provider.quote(reportData);
    Collateral collateral = collateral(provider);
    QuoteVerifier verifier = new QuoteVerifier(AUTHORITY.rootCertificate());

    assertThat(QuoteVerifier.pinnedToIntel().verify(quote, collateral, Instant.now(), reportData,
        AttestationPolicy.PERMISSIVE).valid()).isFalse();
    Verdict replayed = verifier.verify(quote, collateral, Instant.now(), binding(),
        AttestationPolicy.PERMISSIVE);
    assertThat(replayed.valid()).isFalse();
    assertThat(replayed.reason()).startsWith("report data");

    TestQuoteProvider debug = new TestQuoteProvider(AUTHORITY, TestPlatform.example(),
        TestEnclave.example().withDebug(true));
    Verdict debugVerdict = verifier.verify(debug.quote(reportData), collateral(debug),
        Instant.now(), reportData, AttestationPolicy.PERMISSIVE);
    assertThat(debugVerdict.valid()).isFalse();
    assertThat(debugVerdict.reason()).containsIgnoringCase("debug");

    AttestationPolicy allowList = AttestationPolicy.parse(
        "{\"mrenclave\":[\"" + "00".repeat(32) + "\"]}");
    Verdict notListed = verifier.verify(quote, collateral, Instant.now(), reportData, allowList);
    assertThat(notListed.valid()).isFalse();
    assertThat(notListed.reason()).containsIgnoringCase("mrenclave");
  }
}
