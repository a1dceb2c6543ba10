package io.assay.miner.attestation;

import io.assay.protocol.AttestationBinding;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;

/**
 * Makes SGX DCAP quotes (version 3) signed under a {@link TestAttestationAuthority}, for
 * tests and devnets only: byte for byte the format of a real quote, so a verifier runs every
 * check it runs on Intel's, but its root is the test authority's and no production validator
 * trusts it.
 *
 * <p>How it mirrors a real platform: like a quoting enclave at start-up it generates an
 * attestation key and has the platform's PCK key sign a QE report whose report data is
 * SHA-256(attestation key || QE auth data); every {@link #quote} then signs the header and the
 * miner's enclave report (with the caller's report data) with that attestation key, and
 * carries the PCK chain as certification data type 5.
 *
 * <p>Thread-safe; a quote costs one ECDSA signature.
 */
public final class TestQuoteProvider implements QuoteProvider {

  /** Intel's QE writes 32 bytes of authentication data; verifiers expect that length. */
  private static final int QE_AUTH_DATA_SIZE = 32;

  private final TestAttestationAuthority authority;
  private final TestEnclave enclave;
  private final PckCredential pck;
  private final KeyPair attestationKeys = EcdsaP256.generate();
  private final byte[] header;
  private final CertifiedKey certifiedKey;

  /** What the quoting enclave says about its attestation key; fixed once it has started. */
  private record CertifiedKey(
      byte[] attestationKey, byte[] qeReport, byte[] qeReportSignature, byte[] qeAuthData,
      String pemChain) {}

  /**
   * A provider for {@code enclave} running on {@code platform}; issues the platform a PCK
   * certificate from {@code authority}.
   */
  public TestQuoteProvider(
      TestAttestationAuthority authority, TestPlatform platform, TestEnclave enclave) {
    this.authority = authority;
    this.enclave = enclave;
    this.pck = authority.issuePck(platform);
    this.header =
        SgxQuoteV3.header(TestQuotingEnclave.ISVSVN, platform.pceSvn(), EcdsaP256.randomBytes(16));
    this.certifiedKey = certifyAttestationKey();
  }

  /** A provider for {@link TestEnclave#example()} on a new {@link TestPlatform#example()}. */
  public static TestQuoteProvider create(TestAttestationAuthority authority) {
    return new TestQuoteProvider(authority, TestPlatform.example(), TestEnclave.example());
  }

  @Override
  public String tee() {
    return "sgx";
  }

  @Override
  public byte[] quote(byte[] reportData) {
    AttestationBinding.requireLength("report data", reportData, ReportData.SIZE);
    byte[] body =
        new EnclaveReportBody(
                pck.platform().cpuSvn(), 0, enclave.attributes(), enclave.mrEnclave(),
                enclave.mrSigner(), enclave.isvProdId(), enclave.isvSvn(), reportData)
            .encode();
    byte[] signed = new byte[SgxQuoteV3.SIGNED_SIZE];
    System.arraycopy(header, 0, signed, 0, SgxQuoteV3.HEADER_SIZE);
    System.arraycopy(body, 0, signed, SgxQuoteV3.HEADER_SIZE, EnclaveReportBody.SIZE);
    byte[] isvSignature = EcdsaP256.signRaw(attestationKeys.getPrivate(), signed);
    byte[] signatureData =
        SgxQuoteV3.signatureData(
            isvSignature, certifiedKey.attestationKey(), certifiedKey.qeReport(),
            certifiedKey.qeReportSignature(), certifiedKey.qeAuthData(), certifiedKey.pemChain());
    byte[] quote = new byte[signed.length + signatureData.length];
    System.arraycopy(signed, 0, quote, 0, signed.length);
    System.arraycopy(signatureData, 0, quote, signed.length, signatureData.length);
    return quote;
  }

  /** Collateral for this provider's platform, up to date, from its authority. */
  public QvlCollateral collateral() {
    return authority.collateral(pck.platform());
  }

  public TestEnclave enclave() {
    return enclave;
  }

  public TestPlatform platform() {
    return pck.platform();
  }

  /** The PCK certificate quotes carry (to revoke it, for instance). */
  public X509Certificate pckCertificate() {
    return pck.certificate();
  }

  /**
   * The QE report certifying the attestation key, signed by the PCK key: it depends only on
   * the key, so it is made once, as a quoting enclave does when it starts.
   */
  private CertifiedKey certifyAttestationKey() {
    byte[] attestationKey = EcdsaP256.rawPublicKey((ECPublicKey) attestationKeys.getPublic());
    byte[] qeAuthData = new byte[QE_AUTH_DATA_SIZE];
    for (int i = 0; i < qeAuthData.length; i++) {
      qeAuthData[i] = (byte) i; // what Intel's QE writes, as in the public sample quotes
    }
    byte[] qeReportData = new byte[ReportData.SIZE];
    System.arraycopy(sha256(attestationKey, qeAuthData), 0, qeReportData, 0, 32);
    byte[] qeReport =
        new EnclaveReportBody(
                pck.platform().cpuSvn(), TestQuotingEnclave.MISCSELECT,
                TestQuotingEnclave.attributes(), TestQuotingEnclave.MRENCLAVE,
                TestQuotingEnclave.MRSIGNER, TestQuotingEnclave.ISVPRODID,
                TestQuotingEnclave.ISVSVN, qeReportData)
            .encode();
    byte[] qeReportSignature = EcdsaP256.signRaw(pck.privateKey(), qeReport);
    StringBuilder chain = new StringBuilder(EcdsaP256.pem(pck.certificate()));
    for (X509Certificate issuer : authority.pckIssuerChain()) {
      chain.append(EcdsaP256.pem(issuer));
    }
    return new CertifiedKey(
        attestationKey, qeReport, qeReportSignature, qeAuthData, chain.toString());
  }

  private static byte[] sha256(byte[] first, byte[] second) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(first);
      sha256.update(second);
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
