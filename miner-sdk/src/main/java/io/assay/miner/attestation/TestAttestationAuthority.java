package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * A stand-in for Intel's SGX provisioning PKI, made on the fly, <b>for tests and devnets
 * only</b>: nothing here is secret or trusted, every name says "Assay Test", and no
 * production validator may list its root. It lets the whole attested-session flow run on
 * machines without SGX or TDX.
 *
 * <p>It mirrors Intel's hierarchy: a self-signed root CA (ECDSA P-256, like Intel's SGX Root
 * CA), a PCK Platform CA and a TCB Signing certificate below it, PCK leaf certificates with
 * the SGX extensions ({@link #issuePck}), a CRL for the root and one for the Platform CA, and
 * TCB info and QE identity documents signed by the TCB Signing key over their exact JSON text
 * ({@link #collateral}). Together with {@link TestQuoteProvider}'s quotes, a verifier checks
 * them exactly as it checks Intel's, trusting {@link #rootCertificate()} instead of Intel's root.
 *
 * <p>Certificates are valid from a day before the clock's time for ten years; CRLs and default
 * collateral from an hour before it for 30 days. Thread-safe: keys and CA certificates are
 * fixed at creation; {@link #revoke} may be called concurrently with the rest.
 */
public final class TestAttestationAuthority {

  private static final String ORGANISATION =
      "O=Assay Test Authority, OU=tests and devnets only, C=US";

  private final Clock clock;
  private final KeyPair rootKeys = EcdsaP256.generate();
  private final KeyPair platformCaKeys = EcdsaP256.generate();
  private final KeyPair tcbSigningKeys = EcdsaP256.generate();
  private final X509Certificate root;
  private final X509Certificate platformCa;
  private final X509Certificate tcbSigning;
  private final Set<BigInteger> revokedByRoot = ConcurrentHashMap.newKeySet();
  private final Set<BigInteger> revokedByPlatformCa = ConcurrentHashMap.newKeySet();
  private final AtomicLong crlNumber = new AtomicLong();

  private TestAttestationAuthority(Clock clock) {
    this.clock = clock;
    Instant from = clock.instant().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    Instant until = from.plus(Duration.ofDays(3650));
    root =
        CertificateMaker.certificate(
            name("Assay Test SGX Root CA"), rootKeys.getPublic(), null, rootKeys.getPrivate(),
            CertificateMaker.Role.ROOT_CA, from, until, null);
    platformCa =
        CertificateMaker.certificate(
            name("Assay Test SGX PCK Platform CA"), platformCaKeys.getPublic(), root,
            rootKeys.getPrivate(), CertificateMaker.Role.ISSUING_CA, from, until, null);
    tcbSigning =
        CertificateMaker.certificate(
            name("Assay Test SGX TCB Signing"), tcbSigningKeys.getPublic(), root,
            rootKeys.getPrivate(), CertificateMaker.Role.SIGNER, from, until, null);
  }

  /** A new authority with fresh keys, dated by the system clock. */
  public static TestAttestationAuthority create() {
    return create(Clock.systemUTC());
  }

  /** A new authority with fresh keys, dating certificates, CRLs and collateral by {@code clock}. */
  public static TestAttestationAuthority create(Clock clock) {
    return new TestAttestationAuthority(clock);
  }

  /** The self-signed root a verifier must trust to accept this authority's quotes. */
  public X509Certificate rootCertificate() {
    return root;
  }

  public X509Certificate platformCaCertificate() {
    return platformCa;
  }

  public X509Certificate tcbSigningCertificate() {
    return tcbSigning;
  }

  /** A PCK certificate for {@code platform}, issued by the Platform CA, with a fresh key. */
  public PckCredential issuePck(TestPlatform platform) {
    KeyPair pckKeys = EcdsaP256.generate();
    Instant from = clock.instant().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    X509Certificate certificate =
        CertificateMaker.certificate(
            name("Assay Test SGX PCK Certificate"), pckKeys.getPublic(), platformCa,
            platformCaKeys.getPrivate(), CertificateMaker.Role.SIGNER, from,
            from.plus(Duration.ofDays(3650)), platform);
    return new PckCredential(certificate, pckKeys.getPrivate(), platform);
  }

  /**
   * Lists {@code certificate} in the CRL of its issuer from now on: a PCK leaf in the Platform
   * CA's CRL, the Platform CA or TCB Signing certificate in the root's.
   */
  public void revoke(X509Certificate certificate) {
    // By signature, not by name: every test authority uses the same names.
    if (!certificate.equals(root) && signedBy(certificate, platformCa)) {
      revokedByPlatformCa.add(certificate.getSerialNumber());
    } else if (!certificate.equals(root) && signedBy(certificate, root)) {
      revokedByRoot.add(certificate.getSerialNumber());
    } else {
      throw new IllegalArgumentException(
          "not issued by this authority (or its root): " + certificate.getSubjectX500Principal());
    }
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    try {
      certificate.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The root CA's CRL (DER), listing revoked CA and TCB Signing certificates. */
  public byte[] rootCrl() {
    return crl(root, rootKeys, revokedByRoot);
  }

  /** The PCK Platform CA's CRL (DER), listing revoked PCK certificates. */
  public byte[] platformCrl() {
    return crl(platformCa, platformCaKeys, revokedByPlatformCa);
  }

  /** Up-to-date SGX collateral for {@code platform}, issued an hour ago, valid 30 days. */
  public QvlCollateral collateral(TestPlatform platform) {
    return collateral(CollateralSpec.upToDate(platform, recently()));
  }

  /** Collateral as {@code spec} describes, with fresh CRLs, bundled in the QVL JSON form. */
  public QvlCollateral collateral(CollateralSpec spec) {
    String tcbInfo = CollateralDocuments.tcbInfo(spec);
    String qeIdentity = CollateralDocuments.qeIdentity(spec);
    String rootPem = EcdsaP256.pem(root);
    String signingChain = EcdsaP256.pem(tcbSigning) + rootPem;
    HexFormat hex = HexFormat.of();
    return new QvlCollateral(
        EcdsaP256.pem(platformCa) + rootPem,
        hex.formatHex(rootCrl()),
        hex.formatHex(platformCrl()),
        signingChain,
        tcbInfo,
        hex.formatHex(signDocument(tcbInfo)),
        signingChain,
        qeIdentity,
        hex.formatHex(signDocument(qeIdentity)));
  }

  /** The PEM chain a quote carries after its PCK leaf: Platform CA, then root. */
  List<X509Certificate> pckIssuerChain() {
    return List.of(platformCa, root);
  }

  private byte[] signDocument(String json) {
    return EcdsaP256.signRaw(tcbSigningKeys.getPrivate(), json.getBytes(UTF_8));
  }

  private byte[] crl(X509Certificate issuer, KeyPair issuerKeys, Set<BigInteger> revoked) {
    Instant thisUpdate = recently();
    return CertificateMaker.crl(
        issuer, issuerKeys.getPrivate(), thisUpdate, thisUpdate.plus(Duration.ofDays(30)),
        BigInteger.valueOf(crlNumber.incrementAndGet()), List.copyOf(revoked));
  }

  private Instant recently() {
    return clock.instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
  }

  private static X500Name name(String commonName) {
    return new X500Name("CN=" + commonName + ", " + ORGANISATION);
  }
}
