package io.assay.gateway.attestation;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collateral from a PCCS (Intel's caching service, run by the operator) or Intel's PCS itself,
 * by the v4 API both serve: the PCK CRL ({@code /sgx/certification/v4/pckcrl?ca=}), the TCB
 * info of an FMSPC ({@code /sgx|tdx/certification/v4/tcb?fmspc=}), the QE identity ({@code
 * /sgx|tdx/certification/v4/qe/identity}), each with its issuer chain in a response header, and
 * the root CA's CRL ({@code /sgx/certification/v4/rootcacrl}, or another URL).
 *
 * <p>Fetched on first need per (FMSPC, TEE, PCK CA) and kept until {@code refreshAhead} before
 * the earliest next update of its parts; then fetched again at the next need. If that fetch
 * fails, the collateral in hand serves until its next update, never after: the verifier refuses
 * quotes on expired collateral. Fetches block (on the JDK's HTTP client, with {@code timeout}),
 * so this runs on a worker, as quotes are judged. Thread-safe.
 */
public final class PccsCollateral implements CollateralSource {

  private static final Logger log = LoggerFactory.getLogger(PccsCollateral.class);

  private final String base;
  private final URI rootCrl;
  private final Duration refreshAhead;
  private final Duration timeout;
  private final HttpClient http;
  private final Map<String, Collateral> cache = new ConcurrentHashMap<>();

  /**
   * @param base the service's address, e.g. {@code https://pccs.example:8081} or {@code
   *     https://api.trustedservices.intel.com}
   * @param rootCrl where the root CA's CRL is, or null for the PCCS path under {@code base}
   * @param refreshAhead how long before its next update collateral is fetched again
   */
  public PccsCollateral(URI base, URI rootCrl, Duration refreshAhead, Duration timeout) {
    String text = base.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.rootCrl = rootCrl != null ? rootCrl
        : URI.create(this.base + "/sgx/certification/v4/rootcacrl");
    this.refreshAhead = refreshAhead;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  @Override
  public Collateral collateral(String fmspc, TeeType tee, String pckCa, Instant now) {
    String key = tee + "/" + fmspc.toLowerCase() + "/" + pckCa;
    Collateral held = cache.get(key);
    if (held != null && now.isBefore(nextUpdate(held).minus(refreshAhead))) {
      return held;
    }
    try {
      Collateral fetched = fetch(fmspc, tee, pckCa);
      cache.put(key, fetched);
      return fetched;
    } catch (AttestationException | IOException e) {
      if (held != null && now.isBefore(nextUpdate(held))) {
        log.warn("collateral for {} not refreshed from {}, the one in hand serves until {}: {}",
            key, base, nextUpdate(held), e.getMessage());
        return held;
      }
      throw new AttestationException(Check.COLLATERAL_DATES, "no current collateral for FMSPC "
          + fmspc + " from " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttestationException(Check.COLLATERAL_DATES, "interrupted fetching collateral");
    }
  }

  /** The earliest next update among the parts: when the collateral as a whole expires. */
  static Instant nextUpdate(Collateral c) {
    Instant earliest = c.tcbInfo().nextUpdate();
    if (c.qeIdentity().nextUpdate().isBefore(earliest)) {
      earliest = c.qeIdentity().nextUpdate();
    }
    for (X509CRL crl : List.of(c.rootCaCrl(), c.pckCrl())) {
      if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(earliest)) {
        earliest = crl.getNextUpdate().toInstant();
      }
    }
    return earliest;
  }

  private Collateral fetch(String fmspc, TeeType tee, String pckCa)
      throws IOException, InterruptedException {
    String kind = tee == TeeType.TDX ? "tdx" : "sgx";
    HttpResponse<byte[]> pckCrl = get(URI.create(base + "/sgx/certification/v4/pckcrl?ca="
        + pckCa + "&encoding=der"));
    HttpResponse<byte[]> tcb = get(URI.create(base + "/" + kind + "/certification/v4/tcb?fmspc="
        + fmspc));
    HttpResponse<byte[]> qe = get(URI.create(base + "/" + kind
        + "/certification/v4/qe/identity"));
    HttpResponse<byte[]> root = get(rootCrl);
    return Collateral.of(
        chain(pckCrl, "SGX-PCK-CRL-Issuer-Chain"),
        crl(root.body(), "the root CA CRL"),
        crl(pckCrl.body(), "the PCK CRL"),
        chain(tcb, "TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain"),
        SignedJson.fromPcsResponse(new String(tcb.body(), StandardCharsets.UTF_8), "tcbInfo"),
        chain(qe, "SGX-Enclave-Identity-Issuer-Chain"),
        SignedJson.fromPcsResponse(new String(qe.body(), StandardCharsets.UTF_8),
            "enclaveIdentity"));
  }

  private HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered " + response.statusCode());
    }
    return response;
  }

  /** The issuer chain a header carries, URL-encoded PEM as the PCS writes it. */
  private static List<X509Certificate> chain(HttpResponse<?> response, String... names) {
    for (String name : names) {
      String value = response.headers().firstValue(name).orElse(null);
      if (value != null) {
        return Certificates.pemChain(URLDecoder.decode(value, StandardCharsets.UTF_8),
            Check.COLLATERAL_FORMAT, name);
      }
    }
    throw new AttestationException(Check.COLLATERAL_FORMAT, response.uri()
        + " sent no issuer chain (header " + names[0] + ")");
  }

  /** A CRL as DER or PEM, or as hex text (as some PCCS versions send it). */
  private static X509CRL crl(byte[] body, String what) {
    String text = new String(body, StandardCharsets.US_ASCII).strip();
    if (!text.isEmpty() && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      body = Hex.parse(text);
    }
    return Certificates.crl(body, what);
  }
}
