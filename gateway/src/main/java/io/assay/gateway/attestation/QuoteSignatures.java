package io.assay.gateway.attestation;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * The three links from the PCK key to the quote's body: the PCK key signed the QE report; the
 * QE report's data is SHA-256 of the attestation key and the QE authentication data (first 32
 * bytes; the other 32 zero), so the QE vouches for that key; the attestation key signed the
 * header and body. Whether the PCK key itself is Intel's is {@link CertificateChains}' job.
 */
final class QuoteSignatures {

  private QuoteSignatures() {}

  /** @throws AttestationException naming the link that does not hold */
  static void verify(Quote quote, PckCertificate pck) {
    Quote.QuoteSignature signature = quote.signature();
    if (!EcdsaP256.verifies(pck.certificate().getPublicKey(), signature.qeReportBytes(),
        signature.qeReportSignature())) {
      throw new AttestationException(Check.QE_REPORT_SIGNATURE, "the PCK key's signature over"
          + " the QE report does not verify");
    }

    byte[] reportData = signature.qeReport().reportData();
    byte[] expected = Arrays.copyOf(sha256(signature.attestationKey(), signature.qeAuthData()),
        64);
    if (!MessageDigest.isEqual(reportData, expected)) {
      throw new AttestationException(Check.QE_REPORT_DATA, "the QE report data is not SHA-256"
          + " of the attestation key and the QE authentication data");
    }

    PublicKey attestationKey;
    try {
      attestationKey = EcdsaP256.publicKey(signature.attestationKey());
    } catch (GeneralSecurityException e) {
      throw new AttestationException(Check.QUOTE_SIGNATURE, "the attestation key is not a"
          + " P-256 point", e);
    }
    if (!EcdsaP256.verifies(attestationKey, quote.signedBytes(), signature.quoteSignature())) {
      throw new AttestationException(Check.QUOTE_SIGNATURE, "the attestation key's signature"
          + " over the header and body does not verify");
    }
  }

  private static byte[] sha256(byte[] first, byte[] second) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(first);
      digest.update(second);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
