package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** The JDK's own PKIX validation, with revocation checked against the CRLs given, nothing else. */
final class PkixCheck {

  private PkixCheck() {}

  /**
   * Validates {@code chain} (leaf first, root last) to {@code root} as of {@code at}; with
   * {@code revocation}, a CRL must vouch for every certificate below the root.
   */
  static void validate(
      List<X509Certificate> chain, X509Certificate root, List<byte[]> crls, Instant at,
      boolean revocation)
      throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> path = new ArrayList<>(chain);
    path.removeIf(certificate -> certificate.equals(root));
    List<X509CRL> parsedCrls = new ArrayList<>();
    for (byte[] der : crls) {
      parsedCrls.add(crl(der));
    }
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    parameters.setRevocationEnabled(revocation);
    parameters.addCertStore(
        CertStore.getInstance("Collection", new CollectionCertStoreParameters(parsedCrls)));
    parameters.setDate(Date.from(at));
    CertPathValidator.getInstance("PKIX")
        .validate(factory.generateCertPath(path), parameters);
  }

  static X509CRL crl(byte[] der) throws GeneralSecurityException {
    return (X509CRL)
        CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
  }

  static List<X509Certificate> pem(String text) throws GeneralSecurityException {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(text.getBytes(US_ASCII)))
        .stream()
        .map(X509Certificate.class::cast)
        .toList();
  }
}
