package io.assay.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Request bodies of attested tasks, sealed to the enclave: AES-256-GCM under a key derived by
 * HKDF-SHA256 from the session key (info {@code "assay/attested-body/v1"}), a fresh 12-byte nonce
 * per message, the request path as associated data. The session key was agreed with the
 * ephemeral key the miner's quote binds, so only the enclave that made the quote can open the
 * body; the host around it relays ciphertext. A sealed body is {@code nonce || ciphertext ||
 * tag}; the request's MAC and the receipt cover the sealed bytes, as they cover any body.
 */
public final class AttestedBodies {

  /** The header that marks a sealed request body; its value names the cipher. */
  public static final String HEADER = "X-Assay-Sealed";
  public static final String CIPHER = "aes-256-gcm";

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] INFO = "assay/attested-body/v1".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

  private AttestedBodies() {}

  /** The body key of a session whose key is {@code sessionKey}. */
  static byte[] bodyKey(byte[] sessionKey) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(sessionKey, null, INFO));
    byte[] key = new byte[32];
    hkdf.generateBytes(key, 0, key.length);
    return key;
  }

  /** {@code body} sealed for {@code path} under {@code bodyKey}. */
  static byte[] seal(byte[] bodyKey, String path, byte[] body) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.get().nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, bodyKey, nonce, path);
      byte[] sealed = Arrays.copyOf(nonce, NONCE_BYTES + cipher.getOutputSize(body.length));
      cipher.doFinal(body, 0, body.length, sealed, NONCE_BYTES);
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    }
  }

  /**
   * The body sealed in {@code sealed} for {@code path}.
   *
   * @throws ProtocolException {@link RejectReason#MALFORMED} when it is not a body sealed under
   *     this key for this path
   */
  static byte[] open(byte[] bodyKey, String path, byte[] sealed) {
    if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new ProtocolException(RejectReason.MALFORMED, "sealed body is too short");
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, bodyKey,
          Arrays.copyOf(sealed, NONCE_BYTES), path);
      return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new ProtocolException(RejectReason.MALFORMED,
          "sealed body does not open under this session's key for " + path);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, String path)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(path.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
