package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The collateral a verifier would be handed, checked the way a verifier checks Intel's. */
class TestAttestationAuthorityTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final HexFormat HEX = HexFormat.of();

  private static TestAttestationAuthority authority;
  private static TestQuoteProvider provider;
  private static QvlCollateral collateral;

  @BeforeAll
  static void setUp() {
    authority = TestAttestationAuthority.create(Clock.fixed(NOW, ZoneOffset.UTC));
    provider = TestQuoteProvider.create(authority);
    collateral = provider.collateral();
  }

  @Test
  void bundle_hasTheFieldsOfDcapQvlsCollateralJson_inTheirOrder() throws IOException {
    JsonNode sample;
    try (InputStream in =
        getClass().getResourceAsStream("/attestation/tdx_quote_outdated_collateral.json")) {
      sample = Json.MAPPER.readTree(in);
    }
    JsonNode ours = Json.MAPPER.readTree(collateral.toJson());

    assertThat(fieldNames(ours)).isEqualTo(fieldNames(sample));
    ours.fields().forEachRemaining(field -> assertThat(field.getValue().isTextual()).isTrue());
    assertThat(QvlCollateral.fromJson(collateral.toJson())).isEqualTo(collateral);
  }

  @Test
  void collateralSignatures_verifyOverTheRawJsonText_withTheTcbSigningKeyOfTheChain()
      throws Exception {
    List<X509Certificate> tcbChain = PkixCheck.pem(collateral.tcbInfoIssuerChain());
    List<X509Certificate> qeChain = PkixCheck.pem(collateral.qeIdentityIssuerChain());
    X509Certificate signer = tcbChain.get(0);

    assertThat(tcbChain)
        .containsExactly(authority.tcbSigningCertificate(), authority.rootCertificate());
    assertThat(qeChain).isEqualTo(tcbChain);
    assertThat(ParsedSgxQuote.verifyRaw(
            signer.getPublicKey(), collateral.tcbInfo().getBytes(UTF_8),
            HEX.parseHex(collateral.tcbInfoSignature())))
        .isTrue();
    assertThat(ParsedSgxQuote.verifyRaw(
            signer.getPublicKey(), collateral.qeIdentity().getBytes(UTF_8),
            HEX.parseHex(collateral.qeIdentitySignature())))
        .isTrue();
    // Over the raw text only: the same JSON with one more space no longer verifies.
    assertThat(ParsedSgxQuote.verifyRaw(
            signer.getPublicKey(), collateral.tcbInfo().replace(",", ", ").getBytes(UTF_8),
            HEX.parseHex(collateral.tcbInfoSignature())))
        .isFalse();
    PkixCheck.validate(
        tcbChain, authority.rootCertificate(),
        List.of(HEX.parseHex(collateral.rootCaCrl())), NOW, true);
  }

  @Test
  void crls_areSignedByTheirIssuers_andTheirIssuerChainIsBundled() throws Exception {
    X509CRL rootCrl = PkixCheck.crl(HEX.parseHex(collateral.rootCaCrl()));
    X509CRL pckCrl = PkixCheck.crl(HEX.parseHex(collateral.pckCrl()));
    List<X509Certificate> pckCrlChain = PkixCheck.pem(collateral.pckCrlIssuerChain());

    assertThat(pckCrlChain)
        .containsExactly(authority.platformCaCertificate(), authority.rootCertificate());
    rootCrl.verify(authority.rootCertificate().getPublicKey());
    pckCrl.verify(authority.platformCaCertificate().getPublicKey());
    assertThat(rootCrl.getIssuerX500Principal())
        .isEqualTo(authority.rootCertificate().getSubjectX500Principal());
    assertThat(pckCrl.getIssuerX500Principal())
        .isEqualTo(authority.platformCaCertificate().getSubjectX500Principal());
    assertThat(rootCrl.getThisUpdate().toInstant()).isBefore(NOW);
    assertThat(pckCrl.getNextUpdate().toInstant()).isAfter(NOW);
    assertThat(pckCrl.getRevokedCertificates()).isNull();
  }

  @Test
  void tcbInfo_isVersion3ForThePlatformOfTheQuote_listingItsTcbUpToDate() throws IOException {
    JsonNode tcbInfo = Json.MAPPER.readTree(collateral.tcbInfo());
    TestPlatform platform = provider.platform();

    assertThat(tcbInfo.get("id").asText()).isEqualTo("SGX");
    assertThat(tcbInfo.get("version").asInt()).isEqualTo(3);
    assertThat(tcbInfo.get("fmspc").asText())
        .isEqualTo(platform.fmspcHex())
        .isEqualTo("A55A7E000000");
    assertThat(tcbInfo.get("pceId").asText()).isEqualTo("0000");
    assertThat(tcbInfo.get("issueDate").asText()).isEqualTo("2026-03-01T11:00:00Z");
    assertThat(tcbInfo.get("nextUpdate").asText()).isEqualTo("2026-03-31T11:00:00Z");
    JsonNode first = tcbInfo.get("tcbLevels").get(0);
    List<Integer> svns = new ArrayList<>();
    first.get("tcb").get("sgxtcbcomponents")
        .forEach(component -> svns.add(component.get("svn").asInt()));
    List<Integer> cpuSvn = new ArrayList<>();
    for (byte svn : platform.cpuSvn()) {
      cpuSvn.add(svn & 0xFF);
    }
    assertThat(svns).isEqualTo(cpuSvn);
    assertThat(first.get("tcb").get("pcesvn").asInt()).isEqualTo(platform.pceSvn());
    assertThat(first.get("tcbStatus").asText()).isEqualTo("UpToDate");
    assertThat(tcbInfo.get("tcbLevels").get(1).get("tcbStatus").asText()).isEqualTo("OutOfDate");
  }

  @Test
  void qeIdentity_describesTheQuotingEnclaveInsideTheQuotes() throws Exception {
    JsonNode identity = Json.MAPPER.readTree(collateral.qeIdentity());
    byte[] qeReport = ParsedSgxQuote.parse(provider.quote(new byte[64])).qeReport();

    assertThat(identity.get("id").asText()).isEqualTo("QE");
    assertThat(identity.get("version").asInt()).isEqualTo(2);
    assertThat(HEX.parseHex(identity.get("mrsigner").asText()))
        .isEqualTo(Arrays.copyOfRange(qeReport, 128, 160));
    assertThat(identity.get("isvprodid").asInt()).isEqualTo(u16(qeReport, 256));
    byte[] attributes = HEX.parseHex(identity.get("attributes").asText());
    byte[] mask = HEX.parseHex(identity.get("attributesMask").asText());
    for (int i = 0; i < 16; i++) {
      assertThat((byte) (qeReport[48 + i] & mask[i])).isEqualTo(attributes[i]);
    }
    JsonNode upToDate = identity.get("tcbLevels").get(0);
    assertThat(upToDate.get("tcbStatus").asText()).isEqualTo("UpToDate");
    assertThat(u16(qeReport, 258))
        .isGreaterThanOrEqualTo(upToDate.get("tcb").get("isvsvn").asInt());
  }

  @Test
  void spec_setsTeeStatusValidityAndQeLevel() throws IOException {
    Instant issued = Instant.parse("2025-01-01T00:00:00Z");
    CollateralSpec spec =
        CollateralSpec.upToDate(provider.platform(), issued)
            .withTee("tdx")
            .withTcbStatus("SWHardeningNeeded")
            .withValidity(issued, issued.plusSeconds(86_400))
            .withQeUpToDateIsvSvn(9);
    QvlCollateral tdx = authority.collateral(spec);
    JsonNode tcbInfo = Json.MAPPER.readTree(tdx.tcbInfo());
    JsonNode identity = Json.MAPPER.readTree(tdx.qeIdentity());

    assertThat(tcbInfo.get("id").asText()).isEqualTo("TDX");
    assertThat(tcbInfo.get("tdxModule")).isNotNull();
    assertThat(tcbInfo.get("tcbLevels").get(0).get("tcb").get("tdxtcbcomponents")).hasSize(16);
    assertThat(tcbInfo.get("tcbLevels").get(0).get("tcbStatus").asText())
        .isEqualTo("SWHardeningNeeded");
    assertThat(tcbInfo.get("nextUpdate").asText()).isEqualTo("2025-01-02T00:00:00Z");
    assertThat(identity.get("id").asText()).isEqualTo("TD_QE");
    assertThat(identity.get("tcbLevels").get(0).get("tcb").get("isvsvn").asInt()).isEqualTo(9);
  }

  @Test
  void spec_refusesUnknownTeesAndStatusesAndBackwardsValidity() {
    TestPlatform platform = TestPlatform.example();
    CollateralSpec spec = CollateralSpec.upToDate(platform, NOW);

    assertThatThrownBy(() -> spec.withTee("sev")).hasMessageContaining("\"sgx\" or \"tdx\"");
    assertThatThrownBy(() -> spec.withTcbStatus("Fine"))
        .hasMessageContaining("tcbStatus must be one of");
    assertThatThrownBy(() -> spec.withValidity(NOW, NOW.minusSeconds(1)))
        .hasMessageContaining("nextUpdate must come after issueDate");
  }

  @Test
  void revoke_refusesACertificateOfAnotherAuthorityAndItsOwnRoot() {
    X509Certificate foreign =
        TestAttestationAuthority.create().rootCertificate();

    assertThatThrownBy(() -> authority.revoke(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not issued by this authority");
    assertThatThrownBy(() -> authority.revoke(authority.rootCertificate()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static int u16(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) | (bytes[offset + 1] & 0xFF) << 8;
  }
}
