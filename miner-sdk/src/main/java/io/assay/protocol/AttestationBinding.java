package io.assay.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a miner's TEE quote must bind for an attested session: the report data (the 64 bytes a
 * DCAP quote carries for the enclave's own use) is
 * <pre>
 * SHA-512("assay-attest-v1" || validator's attestation nonce (32 bytes)
 *         || miner's ephemeral X25519 key (32 bytes) || miner's hotkey (UTF-8))</pre>
 * So the quote answers this hello only (the nonce: an old quote cannot be replayed into a new
 * session), the session key is derived inside the enclave that made the quote (the ephemeral
 * key: only the party that proved it runs in an enclave can read the sealed requests), and the
 * quote cannot be lent to another miner (the hotkey). The domain string keeps these bytes from
 * meaning anything in another protocol; every part before the hotkey has a fixed length, so the
 * concatenation is unambiguous, and SHA-512 fills the report data exactly. The miner SDK's
 * {@code io.assay.miner.attestation.ReportData} names the same binding for quote providers.
 */
public final class AttestationBinding {

  /** Bytes of an attestation nonce. */
  public static final int NONCE_BYTES = 32;
  /** The largest quote accepted in an accept: a DCAP quote with its certificates is about 5 KB. */
  public static final int MAX_QUOTE_BYTES = 64 * 1024;

  private static final byte[] DOMAIN = "assay-attest-v1".getBytes(StandardCharsets.US_ASCII);

  private AttestationBinding() {}

  /** Makes this machine's TEE quote over 64 bytes of report data; a miner in an enclave has one. */
  @FunctionalInterface
  public interface Quoter {
    /**
     * @param reportData the 64 bytes the quote must carry
     * @return the DCAP quote
     */
    byte[] quote(byte[] reportData);
  }

  /**
   * The report data a quote must carry.
   *
   * @throws IllegalArgumentException unless the nonce is 32 bytes and the key 32 bytes
   */
  public static byte[] reportData(byte[] nonce, byte[] minerEphemeralKey, Hotkey miner) {
    return reportData(nonce, minerEphemeralKey, miner.value());
  }

  /**
   * As above, for a hotkey in its printable form.
   *
   * @throws IllegalArgumentException naming the part of a wrong length, or a missing hotkey
   */
  public static byte[] reportData(byte[] nonce, byte[] minerEphemeralKey, String miner) {
    requireLength("nonce", nonce, NONCE_BYTES);
    requireLength("X25519 public key", minerEphemeralKey, SessionKeys.PUBLIC_KEY_BYTES);
    if (miner == null || miner.isEmpty()) {
      throw new IllegalArgumentException("the miner hotkey is missing");
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-512", e);
    }
    sha.update(DOMAIN);
    sha.update(nonce);
    sha.update(minerEphemeralKey);
    sha.update(miner.getBytes(StandardCharsets.UTF_8));
    return sha.digest();
  }

  /**
   * Checks that {@code bytes} is exactly {@code length} bytes long.
   *
   * @throws IllegalArgumentException naming {@code what} and the length it had
   */
  public static void requireLength(String what, byte[] bytes, int length) {
    if (bytes == null || bytes.length != length) {
      throw new IllegalArgumentException(
          what + " must be " + length + " bytes, got " + (bytes == null ? "none" : bytes.length));
    }
  }
}
