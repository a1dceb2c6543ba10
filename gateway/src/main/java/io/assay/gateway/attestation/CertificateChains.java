package io.assay.gateway.attestation;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
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

/**
 * Checks a certificate chain against the pinned root with the JDK's PKIX validator, as of a
 * given time, with revocation checked from the CRLs given (and only those: no OCSP, no fetching
 * of distribution points, so verification needs no network). Every certificate below the root
 * must be covered by a current CRL of its issuer, or the chain is refused. The root itself is a
 * trust anchor, which PKIX never checks for revocation, so it is looked up in its own CRL here.
 */
final class CertificateChains {

  private CertificateChains() {}

  /**
   * Validates {@code chain} (leaf first; a trailing copy of the root is allowed) up to
   * {@code root}.
   *
   * @throws AttestationException ({@code check}) naming the certificate and the reason
   */
  static void validate(List<X509Certificate> chain, X509Certificate root, List<X509CRL> crls,
      Instant now, Check check, String what) {
    for (X509CRL crl : crls) {
      if (crl.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
        try {
          crl.verify(root.getPublicKey());
        } catch (GeneralSecurityException e) {
          throw new AttestationException(check, "the root CA CRL is not signed by the pinned"
              + " root", e);
        }
        if (crl.isRevoked(root)) {
          throw new AttestationException(check, "the pinned root is revoked by its own CRL");
        }
      }
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    if (!path.isEmpty() && path.get(path.size() - 1).equals(root)) {
      path.remove(path.size() - 1);
    }
    if (path.isEmpty()) {
      throw new AttestationException(check, what + " holds only the root");
    }
    try {
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      parameters.setDate(Date.from(now));
      parameters.setRevocationEnabled(true);
      List<Object> store = new ArrayList<>(crls);
      store.addAll(path);
      parameters.addCertStore(CertStore.getInstance("Collection",
          new CollectionCertStoreParameters(store)));
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (CertPathValidatorException e) {
      String at = e.getIndex() >= 0 && e.getIndex() < path.size()
          ? " at " + Certificates.name(path.get(e.getIndex())) : "";
      throw new AttestationException(check, what + " does not validate to the pinned root" + at
          + " (" + e.getReason() + "): " + e.getMessage(), e);
    } catch (InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("PKIX parameters refused", e);
    } catch (GeneralSecurityException e) {
      throw new AttestationException(check, what + " cannot be checked: " + e.getMessage(), e);
    }
  }
}
