package io.assay.gateway.attestation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.assay.miner.attestation.QvlCollateral;
import io.assay.miner.attestation.TestAttestationAuthority;
import io.assay.miner.attestation.TestQuoteProvider;
import io.assay.protocol.AttestationBinding;
import io.assay.protocol.Identity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Collateral from a PCCS: a real HTTP server on loopback answers Intel's v4 API with the test
 * authority's collateral, as a PCCS would (issuer chains URL-encoded in headers, CRLs as DER or
 * hex). Fetched once and cached; fetched again within {@code refresh_ahead} of its next update;
 * the collateral in hand serves while the service is down, until its next update, never after.
 */
class PccsCollateralTest {

  private static final TestAttestationAuthority AUTHORITY = TestAttestationAuthority.create();
  private static final TestQuoteProvider ENCLAVE = TestQuoteProvider.create(AUTHORITY);
  private static final QvlCollateral BUNDLE = ENCLAVE.collateral();

  private HttpServer pccs;
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private volatile boolean down;

  @BeforeEach
  void start() throws IOException {
    pccs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pccs.createContext("/", this::answer);
    pccs.start();
  }

  @AfterEach
  void stop() {
    pccs.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    asked.add(exchange.getRequestURI().toString());
    byte[] body;
    if (down) {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
      return;
    }
    switch (path) {
      case "/sgx/certification/v4/pckcrl" -> {
        header(exchange, "SGX-PCK-CRL-Issuer-Chain", BUNDLE.pckCrlIssuerChain());
        body = HexFormat.of().parseHex(BUNDLE.pckCrl());
      }
      case "/sgx/certification/v4/tcb" -> {
        header(exchange, "TCB-Info-Issuer-Chain", BUNDLE.tcbInfoIssuerChain());
        body = ("{\"tcbInfo\":" + BUNDLE.tcbInfo() + ",\"signature\":\""
            + BUNDLE.tcbInfoSignature() + "\"}").getBytes(StandardCharsets.UTF_8);
      }
      case "/sgx/certification/v4/qe/identity" -> {
        header(exchange, "SGX-Enclave-Identity-Issuer-Chain", BUNDLE.qeIdentityIssuerChain());
        body = ("{\"enclaveIdentity\":" + BUNDLE.qeIdentity() + ",\"signature\":\""
            + BUNDLE.qeIdentitySignature() + "\"}").getBytes(StandardCharsets.UTF_8);
      }
      // as a PCCS sends it: hex text
      case "/sgx/certification/v4/rootcacrl" -> body = BUNDLE.rootCaCrl()
          .getBytes(StandardCharsets.US_ASCII);
      default -> {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
    }
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private static void header(HttpExchange exchange, String name, String pem) {
    exchange.getResponseHeaders().add(name, URLEncoder.encode(pem, StandardCharsets.UTF_8)
        .replace("+", "%20"));
  }

  private TaskAttestation attestation() {
    return new TaskAttestation(new QuoteVerifier(AUTHORITY.rootCertificate()),
        new PccsCollateral(URI.create("http://127.0.0.1:" + pccs.getAddress().getPort()), null,
            Duration.ofHours(1), Duration.ofSeconds(5)),
        AttestationPolicy.PERMISSIVE);
  }

  @Test
  void collateralIsFetchedOnce_refreshedAhead_andServedWhileDownUntilItsNextUpdate() {
    byte[] reportData = AttestationBinding.reportData(new byte[32], new byte[32],
        Identity.generate().hotkey());
    byte[] quote = ENCLAVE.quote(reportData);
    TaskAttestation attestation = attestation();
    Instant now = Instant.now();

    Verdict first = attestation.judge(quote, reportData, now);
    assertThat(first.reason()).isNull();
    assertThat(first.valid()).isTrue();
    assertThat(asked).hasSize(4).anyMatch(u -> u.contains("fmspc="))
        .anyMatch(u -> u.contains("ca=platform"));
    assertThat(attestation.judge(quote, reportData, now.plusSeconds(60)).valid()).isTrue();
    assertThat(asked).as("cached").hasSize(4);

    Instant nextUpdate = PccsCollateral.nextUpdate(Collateral.fromQvlJson(BUNDLE.toJson()));
    Instant withinTheHour = nextUpdate.minus(Duration.ofMinutes(30));
    down = true;
    Verdict whileDown = attestation.judge(quote, reportData, withinTheHour);
    assertThat(asked).as("refresh tried").hasSizeGreaterThan(4);
    assertThat(whileDown.valid()).as("the collateral in hand serves").isTrue();
    Verdict expired = attestation.judge(quote, reportData, nextUpdate.plusSeconds(1));
    assertThat(expired.valid()).isFalse();
    assertThat(expired.reason()).startsWith("collateral dates");
  }
}
