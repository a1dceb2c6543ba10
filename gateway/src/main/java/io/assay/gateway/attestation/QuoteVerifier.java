package io.assay.gateway.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies a DCAP quote offline, against collateral the caller supplies and a root CA pinned at
 * construction (Intel's in production, {@link #pinnedToIntel()}; a test CA in tests), as of a
 * time the caller gives: the verifier never reads the clock and never opens a connection.
 *
 * <p>The checks run in this order, and a refusal names the first that failed ({@link Check}):
 *
 * <ol>
 *   <li>the quote parses, with its PCK certificate's SGX extensions;
 *   <li>the collateral is this quote's: the TCB info's TEE, FMSPC and PCE-ID are the quote's
 *       and the PCK certificate's, the QE identity is of the right kind (checked first, since a
 *       mismatched collateral is the clearest explanation of any later failure);
 *   <li>CRLs, TCB info and QE identity are current: issued before, next update after, the
 *       verification time;
 *   <li>TCB info and QE identity are signed over their raw JSON by Intel's TCB signing
 *       certificate, issued by the pinned root; the PCK CRL's issuer chain goes to the root;
 *   <li>the PCK chain validates to the root (PKIX, with the CRLs);
 *   <li>the PCK key signed the QE report, which binds the attestation key, which signed the
 *       header and body ({@link QuoteSignatures});
 *   <li>the TCB level of the platform (and TDX module), the QE's identity and status; the
 *       worst status wins and Revoked is always refused;
 *   <li>the policy ({@link AttestationPolicy}): debug, measurements, accepted statuses;
 *   <li>the report data is the expected value, compared in constant time.
 * </ol>
 *
 * <p>Thread-safe: it holds only the pinned root. Nonce bookkeeping (a report data used once) is
 * the caller's.
 */
public final class QuoteVerifier {

  private static final String INTEL_ROOT = "/attestation/intel_sgx_root_ca.der";
  /**
   * How the TCB signing certificate's common name ends: Intel's is "Intel SGX TCB Signing"; a
   * test authority's names itself otherwise but keeps the role's name. With the chain to the
   * pinned root, this keeps another certificate of that root (a PCK platform CA) from signing
   * collateral.
   */
  private static final String TCB_SIGNER = "SGX TCB Signing";

  private final X509Certificate root;

  /** A verifier trusting {@code pinnedRoot} and nothing else. */
  public QuoteVerifier(X509Certificate pinnedRoot) {
    this.root = pinnedRoot;
  }

  /** A verifier trusting the Intel SGX Root CA shipped in this jar. */
  public static QuoteVerifier pinnedToIntel() {
    return new QuoteVerifier(intelRoot());
  }

  /** The Intel SGX Root CA (SHA-256 fingerprint 44:A0:19:6B:...:74:D3), from this jar. */
  public static X509Certificate intelRoot() {
    try (InputStream in = QuoteVerifier.class.getResourceAsStream(INTEL_ROOT)) {
      if (in == null) {
        throw new IllegalStateException(INTEL_ROOT + " is missing from the jar");
      }
      return Certificates.certificate(in.readAllBytes(), INTEL_ROOT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Verifies {@code rawQuote} as of {@code now}.
   *
   * @param expectedReportData the report data the quote must carry, up to 64 bytes (shorter is
   *     padded with zeros, as enclaves pad a 32-byte hash); null to only report it
   * @return the verdict; never throws for a bad quote or collateral
   * @throws IllegalArgumentException if {@code expectedReportData} is over 64 bytes
   */
  public Verdict verify(byte[] rawQuote, Collateral collateral, Instant now,
      byte[] expectedReportData, AttestationPolicy policy) {
    return verify(rawQuote, CollateralSource.pinned(collateral), now, expectedReportData,
        policy);
  }

  /**
   * As {@link #verify(byte[], Collateral, Instant, byte[], AttestationPolicy)}, with the
   * collateral of the quote's platform taken from {@code source} once the quote is parsed (its
   * PCK certificate's FMSPC, its TEE and the CA that issued the PCK certificate). May block on
   * the source's network: call it from a worker.
   */
  public Verdict verify(byte[] rawQuote, CollateralSource source, Instant now,
      byte[] expectedReportData, AttestationPolicy policy) {
    if (expectedReportData != null && expectedReportData.length > 64) {
      throw new IllegalArgumentException("expected report data is at most 64 bytes, not "
          + expectedReportData.length);
    }
    Quote quote = null;
    TcbResult tcb = null;
    try {
      quote = QuoteParser.parse(rawQuote);
      List<X509Certificate> pckChain = pckChain(quote);
      PckCertificate pck = PckCertificate.of(pckChain.get(0));
      String pckCa = pckChain.size() > 1
          && Certificates.name(pckChain.get(1)).contains("Processor") ? "processor" : "platform";
      Collateral collateral = source.collateral(Hex.of(pck.fmspc()), quote.tee(), pckCa, now);
      checkMatch(quote, pck, collateral);
      checkDates(collateral, now);
      checkCollateralSignatures(collateral, now);
      checkPckChain(pckChain, collateral.crls(), now);
      QuoteSignatures.verify(quote, pck);
      tcb = collateral.tcbInfo().statusOf(pck, quote.report())
          .merge(collateral.qeIdentity().statusOf(quote.signature().qeReport()));
      if (tcb.status() == TcbStatus.REVOKED) {
        throw new AttestationException(Check.TCB_LEVEL, "the TCB is revoked");
      }
      policy.check(quote, tcb);
      if (expectedReportData != null && !MessageDigest.isEqual(quote.report().reportData(),
          Arrays.copyOf(expectedReportData, 64))) {
        throw new AttestationException(Check.REPORT_DATA, "the quote's report data is not the"
            + " expected value");
      }
      return verdict(quote, tcb, null);
    } catch (AttestationException e) {
      return verdict(quote, tcb, e);
    }
  }

  /** The quote's PCK chain, leaf first. */
  static List<X509Certificate> pckChain(Quote quote) {
    return Certificates.pemChain(quote.signature().pckChainPem(), Check.QUOTE_FORMAT,
        "the quote's PCK certificate chain");
  }

  /** The PCK chain to the pinned root, revocation checked with {@code crls}. */
  void checkPckChain(List<X509Certificate> chain, List<X509CRL> crls, Instant now) {
    CertificateChains.validate(chain, root, crls, now, Check.PCK_CHAIN,
        "the PCK certificate chain");
  }

  private static void checkMatch(Quote quote, PckCertificate pck, Collateral collateral) {
    TcbInfo info = collateral.tcbInfo();
    if (!Arrays.equals(info.fmspc(), pck.fmspc())) {
      throw mismatch("the TCB info is for FMSPC " + Hex.of(info.fmspc()) + ", the quote's"
          + " platform is FMSPC " + Hex.of(pck.fmspc()));
    }
    if (info.tee() != quote.tee()) {
      throw mismatch("the TCB info is for " + info.tee().label() + ", the quote is "
          + quote.tee().label());
    }
    if (!Arrays.equals(info.pceId(), pck.pceId())) {
      throw mismatch("the TCB info is for PCE-ID " + Hex.of(info.pceId()) + ", the quote's"
          + " is " + Hex.of(pck.pceId()));
    }
    String qeId = QeIdentity.idFor(quote.tee());
    if (!collateral.qeIdentity().id().equals(qeId)) {
      throw mismatch("the QE identity is " + collateral.qeIdentity().id() + ", a "
          + quote.tee().label() + " quote needs " + qeId);
    }
  }

  private static void checkDates(Collateral collateral, Instant now) {
    current("the root CA CRL", collateral.rootCaCrl().getThisUpdate().toInstant(),
        nextUpdate(collateral.rootCaCrl()), now);
    current("the PCK CRL", collateral.pckCrl().getThisUpdate().toInstant(),
        nextUpdate(collateral.pckCrl()), now);
    current("the TCB info", collateral.tcbInfo().issueDate(), collateral.tcbInfo().nextUpdate(),
        now);
    current("the QE identity", collateral.qeIdentity().issueDate(),
        collateral.qeIdentity().nextUpdate(), now);
  }

  private void checkCollateralSignatures(Collateral collateral, Instant now) {
    List<X509CRL> rootCrl = List.of(collateral.rootCaCrl());
    signedByIntel("the TCB info", collateral.tcbInfoJson(), collateral.tcbInfoIssuerChain(),
        rootCrl, now);
    signedByIntel("the QE identity", collateral.qeIdentityJson(),
        collateral.qeIdentityIssuerChain(), rootCrl, now);
    List<X509Certificate> pckCrlChain = collateral.pckCrlIssuerChain();
    CertificateChains.validate(pckCrlChain, root, rootCrl, now, Check.COLLATERAL_SIGNATURE,
        "the PCK CRL's issuer chain");
    try {
      collateral.pckCrl().verify(pckCrlChain.get(0).getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new AttestationException(Check.COLLATERAL_SIGNATURE, "the PCK CRL is not signed by"
          + " its issuer chain", e);
    }
  }

  private void signedByIntel(String what, SignedJson json, List<X509Certificate> chain,
      List<X509CRL> rootCrl, Instant now) {
    X509Certificate signer = chain.get(0);
    if (!Certificates.name(signer).endsWith(TCB_SIGNER) || signer.getBasicConstraints() >= 0
        || !signer.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
      throw new AttestationException(Check.COLLATERAL_SIGNATURE, what + " is signed by '"
          + Certificates.name(signer) + "', not by the " + TCB_SIGNER + " certificate the"
          + " pinned root issued");
    }
    CertificateChains.validate(chain, root, rootCrl, now, Check.COLLATERAL_SIGNATURE,
        what + "'s issuer chain");
    if (!EcdsaP256.verifies(signer.getPublicKey(),
        json.body().getBytes(StandardCharsets.UTF_8), json.signature())) {
      throw new AttestationException(Check.COLLATERAL_SIGNATURE, "the signature over " + what
          + "'s JSON does not verify");
    }
  }

  private static void current(String what, Instant issued, Instant nextUpdate, Instant now) {
    if (now.isBefore(issued)) {
      throw new AttestationException(Check.COLLATERAL_DATES, what + " was issued " + issued
          + ", after the verification time " + now);
    }
    if (nextUpdate == null || now.isAfter(nextUpdate)) {
      throw new AttestationException(Check.COLLATERAL_DATES, what + " expired: next update "
          + nextUpdate + ", before the verification time " + now);
    }
  }

  private static Instant nextUpdate(X509CRL crl) {
    return crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
  }

  private static AttestationException mismatch(String why) {
    return new AttestationException(Check.COLLATERAL_MATCH, "the collateral is not this"
        + " quote's: " + why);
  }

  private static Verdict verdict(Quote quote, TcbResult tcb, AttestationException refusal) {
    String measurement = null;
    String reportData = null;
    if (quote != null) {
      measurement = HexFormat.of().formatHex(quote.report() instanceof EnclaveReport sgx
          ? sgx.mrEnclave() : quote.td().mrTd());
      reportData = Hex.of(quote.report().reportData());
    }
    return new Verdict(refusal == null, quote == null ? null : quote.tee().label(),
        tcb == null ? null : tcb.status().label(), tcb == null ? null : tcb.advisories(),
        measurement, reportData, refusal == null ? null : refusal.getMessage(),
        refusal == null ? null : refusal.check());
  }
}
