package io.assay.miner.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test quote against Intel's format: the public dcap-rs quote fixes the layout (the same
 * independent reader takes both apart, and every signature of the real one verifies, so the
 * reader is right), then every signature of ours verifies with plain JCA and PKIX.
 */
class TestQuoteProviderTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  /** The dcap-rs quote's collateral was valid then (see shared/vectors/tee/README.md). */
  private static final Instant REAL_QUOTE_TIME = Instant.parse("2025-02-20T00:00:00Z");

  private static TestAttestationAuthority authority;
  private static TestQuoteProvider provider;
  private static ParsedSgxQuote real;

  @BeforeAll
  static void setUp() throws IOException {
    authority = TestAttestationAuthority.create(Clock.fixed(NOW, ZoneOffset.UTC));
    provider = TestQuoteProvider.create(authority);
    try (InputStream in =
        TestQuoteProviderTest.class.getResourceAsStream("/attestation/dcaprs_sgx_quote.bin")) {
      real = ParsedSgxQuote.parse(in.readAllBytes());
    }
  }

  @Test
  void realQuote_signaturesVerify_soTheReaderKnowsTheLayout() throws Exception {
    List<X509Certificate> chain = real.pemChain();

    assertThat(ParsedSgxQuote.verifyRaw(
            real.attestationPublicKey(), real.signedPart(), real.isvSignature()))
        .isTrue();
    assertThat(ParsedSgxQuote.verifyRaw(
            chain.get(0).getPublicKey(), real.qeReport(), real.qeReportSignature()))
        .isTrue();
    assertThat(qeReportDataMatches(real)).isTrue();
    PkixCheck.validate(chain, chain.get(2), List.of(), REAL_QUOTE_TIME, false);
  }

  @Test
  void testQuote_hasTheLayoutOfTheRealQuote() throws Exception {
    ParsedSgxQuote ours = ParsedSgxQuote.parse(provider.quote(new byte[64]));

    assertThat(ours.version()).isEqualTo(real.version()).isEqualTo(3);
    assertThat(ours.attestationKeyType()).isEqualTo(real.attestationKeyType()).isEqualTo(2);
    assertThat(ours.teeType()).isEqualTo(real.teeType()).isZero();
    assertThat(ours.qeVendorId()).isEqualTo(real.qeVendorId());
    assertThat(ours.userData()).hasSameSizeAs(real.userData());
    assertThat(ours.qeAuthData()).hasSameSizeAs(real.qeAuthData()).hasSize(32);
    assertThat(ours.certificationDataType()).isEqualTo(real.certificationDataType()).isEqualTo(5);
    assertThat(ours.certificationDataOffset())
        .isEqualTo(real.certificationDataOffset())
        .isEqualTo(0x41c);
    assertThat(ours.pemChain()).hasSize(3);
    assertThat(last(ours.certificationData())).isEqualTo(last(real.certificationData())).isZero();
    assertThat(ours.raw()).hasSize(0x41c + ours.certificationData().length);
    // The header's PCE SVN is the platform's; its QE SVN is the QE report's ISVSVN.
    assertThat(ours.pceSvn()).isEqualTo(provider.platform().pceSvn());
    assertThat(ours.qeSvn()).isEqualTo(u16(ours.qeReport(), 258));
    assertThat(real.qeSvn()).isEqualTo(u16(real.qeReport(), 258));
  }

  @Test
  void testPck_carriesTheSgxExtensionsInIntelsLayout() throws Exception {
    X509Certificate ours = ParsedSgxQuote.parse(provider.quote(new byte[64])).pemChain().get(0);
    X509Certificate theirs = real.pemChain().get(0);

    assertThat(sgxExtensionOids(ours)).isEqualTo(sgxExtensionOids(theirs));
    ASN1Sequence extension = sgxExtension(ours);
    TestPlatform platform = provider.platform();
    assertThat(octets(extension, "1.2.840.113741.1.13.1.1")).isEqualTo(platform.ppid());
    assertThat(octets(extension, "1.2.840.113741.1.13.1.3")).isEqualTo(platform.pceId());
    assertThat(octets(extension, "1.2.840.113741.1.13.1.4")).isEqualTo(platform.fmspc());
    ASN1Sequence tcb = (ASN1Sequence) value(extension, "1.2.840.113741.1.13.1.2");
    for (int component = 1; component <= 16; component++) {
      assertThat(integer(tcb, "1.2.840.113741.1.13.1.2." + component))
          .isEqualTo(platform.cpuSvn()[component - 1] & 0xFF);
    }
    assertThat(integer(tcb, "1.2.840.113741.1.13.1.2.17")).isEqualTo(platform.pceSvn());
    assertThat(octets(tcb, "1.2.840.113741.1.13.1.2.18")).isEqualTo(platform.cpuSvn());
    assertThat(ours.getCriticalExtensionOIDs()).doesNotContain("1.2.840.113741.1.13.1");
    assertThat(ours.getKeyUsage()[0]).isTrue(); // digitalSignature
    assertThat(ours.getBasicConstraints()).isEqualTo(-1);
  }

  @Test
  void testQuote_everySignatureVerifies_andThePckChainValidatesWithItsCrls() throws Exception {
    ParsedSgxQuote ours = ParsedSgxQuote.parse(provider.quote(new byte[64]));
    List<X509Certificate> chain = ours.pemChain();

    assertThat(ParsedSgxQuote.verifyRaw(
            ours.attestationPublicKey(), ours.signedPart(), ours.isvSignature()))
        .isTrue();
    assertThat(ParsedSgxQuote.verifyRaw(
            chain.get(0).getPublicKey(), ours.qeReport(), ours.qeReportSignature()))
        .isTrue();
    assertThat(qeReportDataMatches(ours)).isTrue();
    assertThat(chain.get(2)).isEqualTo(authority.rootCertificate());
    assertThat(chain.get(1)).isEqualTo(authority.platformCaCertificate());
    PkixCheck.validate(
        chain, authority.rootCertificate(),
        List.of(authority.rootCrl(), authority.platformCrl()), NOW, true);
  }

  @Test
  void testQuote_failsPkixOnceItsPckIsRevoked() throws Exception {
    TestAttestationAuthority revoking =
        TestAttestationAuthority.create(Clock.fixed(NOW, ZoneOffset.UTC));
    TestQuoteProvider revoked = TestQuoteProvider.create(revoking);
    List<X509Certificate> chain = ParsedSgxQuote.parse(revoked.quote(new byte[64])).pemChain();
    revoking.revoke(revoked.pckCertificate());

    assertThat(PkixCheck.crl(revoking.platformCrl()).isRevoked(chain.get(0))).isTrue();
    assertThatThrownBy(
            () -> PkixCheck.validate(
                chain, revoking.rootCertificate(),
                List.of(revoking.rootCrl(), revoking.platformCrl()), NOW, true))
        .isInstanceOf(CertPathValidatorException.class)
        .hasMessageContaining("revoked");
  }

  @Test
  void testQuote_carriesTheReportDataAndEnclaveIdentityItWasGiven() throws Exception {
    byte[] reportData = ReportData.bind(new byte[32], new byte[32], "somehotkey");
    TestEnclave enclave = TestEnclave.example().withDebug(true);
    TestQuoteProvider debugProvider =
        new TestQuoteProvider(authority, TestPlatform.example(), enclave);

    byte[] report = ParsedSgxQuote.parse(debugProvider.quote(reportData)).isvReport();

    assertThat(ParsedSgxQuote.reportData(report)).isEqualTo(reportData);
    assertThat(Arrays.copyOfRange(report, 64, 96)).isEqualTo(enclave.mrEnclave());
    assertThat(Arrays.copyOfRange(report, 128, 160)).isEqualTo(enclave.mrSigner());
    assertThat(u16(report, 256)).isEqualTo(enclave.isvProdId());
    assertThat(u16(report, 258)).isEqualTo(enclave.isvSvn());
    assertThat(report[48] & 0x02).as("DEBUG flag").isEqualTo(0x02);
    assertThat(Arrays.copyOfRange(report, 0, 16)).isEqualTo(debugProvider.platform().cpuSvn());
    byte[] production = ParsedSgxQuote.parse(provider.quote(reportData)).isvReport();
    assertThat(production[48] & 0x02).as("DEBUG flag").isZero();
    assertThat(production[48] & 0x05).as("INIT and MODE64BIT").isEqualTo(0x05);
  }

  @Test
  void quotes_differOnlyInReportDataAndSignature() {
    byte[] first = provider.quote(new byte[64]);
    byte[] otherData = new byte[64];
    otherData[5] = 1;
    byte[] second = provider.quote(otherData);

    assertThat(second).hasSameSizeAs(first);
    assertThat(Arrays.copyOf(second, 48 + 320)).isEqualTo(Arrays.copyOf(first, 48 + 320));
    assertThat(Arrays.copyOfRange(second, 436 + 64, second.length))
        .isEqualTo(Arrays.copyOfRange(first, 436 + 64, first.length));
  }

  @Test
  void quote_refusesReportDataThatIsNot64Bytes() {
    assertThatThrownBy(() -> provider.quote(new byte[63]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("report data must be 64 bytes, got 63");
  }

  private static boolean qeReportDataMatches(ParsedSgxQuote quote)
      throws GeneralSecurityException {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update(quote.attestationKey());
    sha256.update(quote.qeAuthData());
    byte[] expected = Arrays.copyOf(sha256.digest(), 64);
    return Arrays.equals(ParsedSgxQuote.reportData(quote.qeReport()), expected);
  }

  private static ASN1Sequence sgxExtension(X509Certificate certificate) {
    byte[] wrapped = certificate.getExtensionValue("1.2.840.113741.1.13.1");
    return ASN1Sequence.getInstance(ASN1OctetString.getInstance(wrapped).getOctets());
  }

  /** Every OID in the extension, depth first, in order: the layout without the values. */
  private static List<String> sgxExtensionOids(X509Certificate certificate) {
    List<String> oids = new ArrayList<>();
    collectOids(sgxExtension(certificate), oids);
    return oids;
  }

  private static void collectOids(ASN1Sequence pairs, List<String> oids) {
    for (ASN1Encodable element : pairs) {
      ASN1Sequence pair = (ASN1Sequence) element;
      oids.add(((ASN1ObjectIdentifier) pair.getObjectAt(0)).getId());
      ASN1Encodable value = pair.getObjectAt(1);
      if (value instanceof ASN1Sequence inner) {
        collectOids(inner, oids);
      } else {
        oids.add(value.getClass().getSimpleName().replace("DER", "").replace("ASN1", ""));
      }
    }
  }

  private static ASN1Encodable value(ASN1Sequence pairs, String oid) {
    for (ASN1Encodable element : pairs) {
      ASN1Sequence pair = (ASN1Sequence) element;
      if (((ASN1ObjectIdentifier) pair.getObjectAt(0)).getId().equals(oid)) {
        return pair.getObjectAt(1);
      }
    }
    throw new AssertionError("no " + oid);
  }

  private static byte[] octets(ASN1Sequence pairs, String oid) {
    return ASN1OctetString.getInstance(value(pairs, oid)).getOctets();
  }

  private static int integer(ASN1Sequence pairs, String oid) {
    return ASN1Integer.getInstance(value(pairs, oid)).intValueExact();
  }

  private static int u16(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8;
  }

  private static int last(byte[] bytes) {
    return bytes[bytes.length - 1];
  }
}
