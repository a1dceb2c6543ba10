package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The one signature scheme DCAP uses everywhere: ECDSA over P-256 with SHA-256, carried raw
 * ({@code r || s}, 32 bytes each) in quotes and collateral, DER only inside X.509.
 */
final class EcdsaP256 {

  static final int RAW_SIGNATURE_BYTES = 64;
  static final int RAW_PUBLIC_KEY_BYTES = 64;

  private static final SecureRandom RANDOM = new SecureRandom();

  private EcdsaP256() {}

  static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this Java platform has no P-256", e);
    }
  }

  /** Signs {@code data}; the signature is raw {@code r || s} as in Intel's formats. */
  static byte[] signRaw(PrivateKey key, byte[] data) {
    try {
      // SunEC's P1363 form is exactly r || s, each left-padded to 32 bytes.
      Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
      signer.initSign(key, RANDOM);
      signer.update(data);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new AttestationException("could not sign with an ECDSA P-256 key", e);
    }
  }

  /** The 64-byte raw form of a P-256 public key: X then Y, big-endian, no 0x04 prefix. */
  static byte[] rawPublicKey(ECPublicKey key) {
    byte[] raw = new byte[RAW_PUBLIC_KEY_BYTES];
    copyUnsigned(key.getW().getAffineX(), raw, 0);
    copyUnsigned(key.getW().getAffineY(), raw, 32);
    return raw;
  }

  /** A positive 20-byte serial number, as Intel's certificates carry. */
  static BigInteger serialNumber() {
    return new BigInteger(159, RANDOM).add(BigInteger.ONE);
  }

  static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** PEM with 64-character lines and a final newline, the form Intel's chains use. */
  static String pem(X509Certificate certificate) {
    try {
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII))
              .encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new AttestationException(
          "could not encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  private static void copyUnsigned(BigInteger value, byte[] target, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, target, offset + 32 - length, length);
  }
}
