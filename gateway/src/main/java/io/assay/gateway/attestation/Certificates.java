package io.assay.gateway.attestation;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/** X.509 certificates and CRLs read from the forms collateral and quotes carry them in. */
final class Certificates {

  private Certificates() {}

  /**
   * The certificates of a PEM chain, in order (Intel's chains are leaf first).
   *
   * @throws AttestationException ({@code check}) when it is not PEM certificates, or empty
   */
  static List<X509Certificate> pemChain(byte[] pem, Check check, String what) {
    try {
      List<X509Certificate> chain = factory().generateCertificates(new ByteArrayInputStream(pem))
          .stream().map(X509Certificate.class::cast).toList();
      if (chain.isEmpty()) {
        throw new AttestationException(check, what + " holds no certificate");
      }
      return chain;
    } catch (CertificateException e) {
      throw new AttestationException(check, what + " is not a PEM certificate chain: "
          + e.getMessage(), e);
    }
  }

  static List<X509Certificate> pemChain(String pem, Check check, String what) {
    return pemChain(pem.getBytes(StandardCharsets.US_ASCII), check, what);
  }

  /** A DER (or PEM) certificate. */
  static X509Certificate certificate(byte[] encoded, String what) {
    try {
      return (X509Certificate) factory()
          .generateCertificate(new ByteArrayInputStream(encoded));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(what + " is not an X.509 certificate", e);
    }
  }

  /** A DER (or PEM) CRL. */
  static X509CRL crl(byte[] encoded, String what) {
    try {
      return (X509CRL) factory().generateCRL(new ByteArrayInputStream(encoded));
    } catch (CRLException | CertificateException | ClassCastException e) {
      throw new AttestationException(Check.COLLATERAL_FORMAT, what + " is not an X.509 CRL", e);
    }
  }

  /** The CN of a certificate's subject, for messages. */
  static String name(X509Certificate certificate) {
    String dn = certificate.getSubjectX500Principal().getName();
    for (String part : dn.split(",")) {
      if (part.startsWith("CN=")) {
        return part.substring(3);
      }
    }
    return dn;
  }

  private static CertificateFactory factory() throws CertificateException {
    return CertificateFactory.getInstance("X.509");
  }
}
