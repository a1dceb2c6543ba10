package io.assay.gateway.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The public DCAP vectors in {@code src/test/resources/attestation/} (README.md there says
 * where each comes from and under which licence), and the times each set is verified at.
 */
final class Vectors {

  /** Inside the QVL bundle's validity (TCB info issued 2026-02-18, next update 2026-03-20). */
  static final Instant QVL_TIME = Instant.parse("2026-03-01T00:00:00Z");
  /** Inside the dcap-rs set's validity (issued 2025-02-13, next update 2025-03-15). */
  static final Instant DCAPRS_TIME = Instant.parse("2025-02-20T00:00:00Z");
  /** Inside the go-tdx-guest set's validity (PCK CRL 2023-06-08 to 2023-07-08). */
  static final Instant GTG_TIME = Instant.parse("2023-06-20T00:00:00Z");

  private Vectors() {}

  static byte[] bytes(String name) {
    try (InputStream in = Vectors.class.getResourceAsStream("/attestation/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test vector " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  static byte[] qvlQuote() {
    return bytes("qvl/tdx_quote_outdated");
  }

  static Collateral qvlCollateral() {
    return Collateral.fromQvlJson(text("qvl/tdx_quote_outdated_collateral.json"));
  }

  static X509CRL crl(String name) {
    return Certificates.crl(bytes(name), name);
  }

  static List<X509Certificate> pem(String name) {
    return Certificates.pemChain(bytes(name), Check.QUOTE_FORMAT, name);
  }

  static byte[] flip(byte[] data, int at) {
    byte[] copy = data.clone();
    copy[at] ^= 0x01;
    return copy;
  }
}
