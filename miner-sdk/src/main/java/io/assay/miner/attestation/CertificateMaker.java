package io.assay.miner.attestation;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds the X.509 certificates and CRLs of the test PKI with the extensions Intel's carry:
 * authority and subject key identifiers, critical key usage and basic constraints, and on a
 * PCK leaf the {@link SgxExtensions}. Everything is signed ECDSA P-256 with SHA-256 through
 * the JDK's provider (BouncyCastle only assembles the ASN.1, and is never registered).
 */
final class CertificateMaker {

  /** What a certificate may do; mirrors the three kinds in Intel's SGX PKI. */
  enum Role {
    /** Self-signed root: signs CA certificates and CRLs, one CA below it at most. */
    ROOT_CA,
    /** PCK Platform CA: signs PCK leaves and the PCK CRL. */
    ISSUING_CA,
    /** PCK leaf or TCB Signing: signs data (QE reports, collateral), never certificates. */
    SIGNER
  }

  private CertificateMaker() {}

  static X509Certificate certificate(
      X500Name subject,
      PublicKey subjectKey,
      X509Certificate issuer,
      PrivateKey issuerKey,
      Role role,
      Instant notBefore,
      Instant notAfter,
      TestPlatform platform) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
      PublicKey issuerPublicKey = issuer == null ? subjectKey : issuer.getPublicKey();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              EcdsaP256.serialNumber(),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              subjectKey);
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          utils.createAuthorityKeyIdentifier(issuerPublicKey));
      builder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
      switch (role) {
        case ROOT_CA -> addCa(builder, 1);
        case ISSUING_CA -> addCa(builder, 0);
        case SIGNER -> {
          builder.addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
          builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        }
      }
      if (platform != null) {
        builder.addExtension(SgxExtensions.OID, false, SgxExtensions.of(platform));
      }
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKey)));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new AttestationException("could not issue a test certificate for " + subject, e);
    }
  }

  /** A DER CRL listing {@code revoked} serials (reason key compromise). */
  static byte[] crl(
      X509Certificate issuer,
      PrivateKey issuerKey,
      Instant thisUpdate,
      Instant nextUpdate,
      BigInteger crlNumber,
      Collection<BigInteger> revoked) {
    try {
      X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuer, Date.from(thisUpdate));
      builder.setNextUpdate(Date.from(nextUpdate));
      for (BigInteger serial : revoked) {
        builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
      }
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
      return builder.build(signer(issuerKey)).getEncoded();
    } catch (GeneralSecurityException | IOException e) {
      throw new AttestationException(
          "could not issue a test CRL for " + issuer.getSubjectX500Principal(), e);
    }
  }

  private static void addCa(X509v3CertificateBuilder builder, int pathLength)
      throws CertIOException {
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
  }

  private static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    } catch (OperatorCreationException e) {
      throw new AttestationException("could not sign with an ECDSA P-256 key", e);
    }
  }
}
