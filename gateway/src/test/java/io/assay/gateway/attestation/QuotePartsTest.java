package io.assay.gateway.attestation;

import static io.assay.gateway.attestation.Vectors.DCAPRS_TIME;
import static io.assay.gateway.attestation.Vectors.GTG_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dcap-rs (SGX v3) and go-tdx-guest (TDX v4, v5) sets, which lack the TCB info's signing
 * chain: parsing, the quote's own signatures, PCK chains against their CRLs, and the TCB level
 * their (unsigned here) TCB info and QE identity give.
 */
class QuotePartsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final QuoteVerifier INTEL = QuoteVerifier.pinnedToIntel();

  @Test
  void theShippedRoot_isIntelsSgxRootCa() throws Exception {
    byte[] fingerprint = MessageDigest.getInstance("SHA-256")
        .digest(QuoteVerifier.intelRoot().getEncoded());
    assertThat(HexFormat.ofDelimiter(":").withUpperCase().formatHex(fingerprint)).isEqualTo(
        "44:A0:19:6B:2B:99:F8:89:B8:E1:49:E9:5B:80:7A:35:0E:74:24:96:43:99:E8:85:A7:CB:B8:CC:"
            + "FA:B6:74:D3");
  }

  @Test
  void dcapRsSgxQuote_parses_signs_andChainsToIntel() {
    Quote quote = QuoteParser.parse(Vectors.bytes("dcaprs_sgx_quote.bin"));
    PckCertificate pck = PckCertificate.of(QuoteVerifier.pckChain(quote).get(0));

    assertThat(quote.version()).isEqualTo(3);
    assertThat(quote.tee()).isEqualTo(TeeType.SGX);
    assertThat(quote.enclave().debug()).isFalse();
    assertThat(pck.fmspc()).containsExactly(HexFormat.of().parseHex("00606a000000"));
    assertThat(pck.pceSvn()).isEqualTo(13);
    QuoteSignatures.verify(quote, pck);
    INTEL.checkPckChain(QuoteVerifier.pckChain(quote), dcapRsCrls(), DCAPRS_TIME);
  }

  /**
   * OutOfDate, no advisories (version 2 TCB info lists none). The PCK certificate's SGX
   * components are 12 12 3 3 255 255 1 0 ..., PCE SVN 13: below the first two levels (which
   * ask for 14 14 ...), at the third (12 12 3 3 255 255 1, PCE SVN 13, OutOfDate, dated
   * 2023-08-09). The QE's ISVSVN 9 reaches the QE identity's UpToDate level (8).
   */
  @Test
  void dcapRsSgxQuote_withItsTcbInfo_isOutOfDate() throws Exception {
    Quote quote = QuoteParser.parse(Vectors.bytes("dcaprs_sgx_quote.bin"));
    PckCertificate pck = PckCertificate.of(QuoteVerifier.pckChain(quote).get(0));
    TcbInfo info = TcbInfo.parse(JSON.readTree(SignedJson.fromPcsResponse(
        Vectors.text("dcaprs/tcbinfov2.json"), "tcbInfo").body()));
    QeIdentity qe = QeIdentity.parse(JSON.readTree(SignedJson.fromPcsResponse(
        Vectors.text("dcaprs/qeidentityv2.json"), "enclaveIdentity").body()));

    TcbResult platform = info.statusOf(pck, quote.report());
    TcbResult qeStatus = qe.statusOf(quote.signature().qeReport());

    assertThat(platform).isEqualTo(new TcbResult(TcbStatus.OUT_OF_DATE, List.of()));
    assertThat(qeStatus.status()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(platform.merge(qeStatus).status()).isEqualTo(TcbStatus.OUT_OF_DATE);
  }

  @Test
  void aPckChain_afterItsCrlsNextUpdate_isRefused() {
    Quote quote = QuoteParser.parse(Vectors.bytes("dcaprs_sgx_quote.bin"));

    assertThatThrownBy(() -> INTEL.checkPckChain(QuoteVerifier.pckChain(quote), dcapRsCrls(),
        Instant.parse("2025-03-16T00:00:00Z")))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.check()).isEqualTo(Check.PCK_CHAIN))
        .hasMessageContaining("Intel SGX PCK Certificate");
  }

  @Test
  void goTdxGuestV4Quote_parses_signs_andChainsToIntel() {
    Quote quote = QuoteParser.parse(Vectors.bytes("gtg/tdx_prod_quote_SPR_E4.dat"));
    PckCertificate pck = PckCertificate.of(QuoteVerifier.pckChain(quote).get(0));

    assertThat(quote.version()).isEqualTo(4);
    assertThat(quote.td().teeTcbSvn2()).isNull();
    assertThat(quote.td().rtmrs()).hasSize(4);
    assertThat(quote.td().debug()).isFalse();
    assertThat(pck.fmspc()).containsExactly(HexFormat.of().parseHex("50806f000000"));
    assertThat(QuoteVerifier.pckChain(quote))
        .isEqualTo(Vectors.pem("gtg/tdx_prod_quote_SPR_E4.dat.chain.pem"));
    QuoteSignatures.verify(quote, pck);
    INTEL.checkPckChain(QuoteVerifier.pckChain(quote),
        List.of(Vectors.crl("gtg/rootcrl.der"), Vectors.crl("gtg/pckcrl")), GTG_TIME);
  }

  /**
   * No TCB level: the sample TCB info's levels ask for SGX components 5 5 2 2 3 1 0 3, and this
   * platform has 3 3 2 2 2 1 0 2 (early and late microcode, component 5 and SEAMLDR all below).
   */
  @Test
  void goTdxGuestV4Quote_withTheSampleTcbInfo_reachesNoLevel() throws Exception {
    Quote quote = QuoteParser.parse(Vectors.bytes("gtg/tdx_prod_quote_SPR_E4.dat"));
    PckCertificate pck = PckCertificate.of(QuoteVerifier.pckChain(quote).get(0));
    TcbInfo info = TcbInfo.parse(JSON.readTree(SignedJson.fromPcsResponse(
        Vectors.text("gtg/sample_tcbInfo_response"), "tcbInfo").body()));

    assertThat(info.fmspc()).isEqualTo(pck.fmspc());
    assertThatThrownBy(() -> info.statusOf(pck, quote.report()))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.check()).isEqualTo(Check.TCB_LEVEL))
        .hasMessageContaining("[3, 3, 2, 2, 2, 1, 0, 2, 0");
  }

  @Test
  void goTdxGuestV5Sample_isATdx15Report() {
    Quote quote = QuoteParser.parse(Vectors.bytes("gtg/quote_v5_sample.dat"));

    assertThat(quote.version()).isEqualTo(5);
    assertThat(quote.td().teeTcbSvn2()).hasSize(16);
    assertThat(quote.td().mrServiceTd()).hasSize(48);
    assertThat(quote.signedBytes()).hasSize(48 + 6 + 648);
  }

  @Test
  void anSgxQuoteOfVersion4_orAnUnknownTee_isRefusedAsMalformed() {
    byte[] sgx = Vectors.bytes("dcaprs_sgx_quote.bin");
    byte[] v4 = sgx.clone();
    v4[0] = 4;
    byte[] unknownTee = sgx.clone();
    unknownTee[4] = 0x42;

    assertThatThrownBy(() -> QuoteParser.parse(v4)).hasMessageStartingWith("quote format: ")
        .hasMessageContaining("sgx quote of version 4");
    assertThatThrownBy(() -> QuoteParser.parse(unknownTee))
        .hasMessageContaining("unknown TEE type 0x42");
  }

  /**
   * Debug mode, refused unless the policy allows it. No public quote is of a debug TD, so the
   * DEBUG bit is set in a parsed copy (which no longer verifies) and the policy alone is asked.
   */
  @Test
  void aDebugTd_isRefusedByThePolicy_unlessAllowed() {
    byte[] raw = Vectors.bytes("gtg/quote_v5_sample.dat");
    raw[54 + 120] |= 0x01; // TD attributes, byte 0, bit 0: DEBUG
    Quote debug = QuoteParser.parse(raw);
    TcbResult upToDate = new TcbResult(TcbStatus.UP_TO_DATE, List.of());

    assertThat(debug.report().debug()).isTrue();
    assertThatThrownBy(() -> AttestationPolicy.PERMISSIVE.check(debug, upToDate))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.check()).isEqualTo(Check.DEBUG))
        .hasMessage("debug: the TD runs in debug mode, which the policy does not allow");
    AttestationPolicy.parse("{\"allow_debug\":true}").check(debug, upToDate);
  }

  @Test
  void aDebugEnclave_isRefusedByThePolicy() {
    byte[] raw = Vectors.bytes("dcaprs_sgx_quote.bin");
    raw[48 + 48] |= 0x02; // enclave attributes, byte 0, bit 1: DEBUG
    Quote debug = QuoteParser.parse(raw);

    assertThatThrownBy(() -> AttestationPolicy.PERMISSIVE.check(debug,
        new TcbResult(TcbStatus.UP_TO_DATE, List.of())))
        .hasMessage("debug: the enclave runs in debug mode, which the policy does not allow");
  }

  @Test
  void advisoriesNotAccepted_areRefused_andABadPolicyKey_isNamed() {
    Quote quote = QuoteParser.parse(Vectors.bytes("dcaprs_sgx_quote.bin"));
    TcbResult outOfDate = new TcbResult(TcbStatus.OUT_OF_DATE,
        List.of("INTEL-SA-00334", "INTEL-SA-00615"));
    AttestationPolicy policy = AttestationPolicy.parse(
        "{\"tee\":\"sgx\",\"accepted_advisories\":[\"INTEL-SA-00334\"]}");

    assertThatThrownBy(() -> policy.check(quote, outOfDate))
        .hasMessage("TCB policy: advisories [INTEL-SA-00615] are not accepted by the policy");
    assertThatThrownBy(() -> AttestationPolicy.parse("{\"mrenclave\":[\"abc\"]}"))
        .hasMessageContaining("'mrenclave'").hasMessageContaining("32 bytes of hex");
    assertThatThrownBy(() -> AttestationPolicy.parse("{\"allow_debugging\":true}"))
        .hasMessageContaining("'allow_debugging' is unknown");
  }

  private static List<X509CRL> dcapRsCrls() {
    return List.of(Vectors.crl("dcaprs/intel_root_ca_crl.der"),
        Vectors.crl("dcaprs/pck_platform_crl.der"));
  }
}
