package io.assay.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encodings, digests and randomness shared by the protocol.
 *
 * <p>Binary values travel as base64url without padding. Decoding is strict: exact length,
 * URL alphabet only and zero unused trailing bits, so one value has exactly one spelling.
 * SHA-256 digests and random generators are kept per thread, so the hot path does no
 * provider lookup and takes no shared lock.
 */
final class Codec {

  static final int NONCE_BYTES = 16;
  static final int NONCE_CHARS = encodedLength(NONCE_BYTES);
  static final int SHA256_BYTES = 32;
  static final int MAC_CHARS = encodedLength(SHA256_BYTES);

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Codec::newSha256);
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(Codec::newRandom);

  private Codec() {}

  /** Characters of the unpadded base64url encoding of {@code bytes} bytes. */
  static int encodedLength(int bytes) {
    return (bytes * 8 + 5) / 6;
  }

  /** {@code count} bytes from a secure random source. */
  static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.get().nextBytes(bytes);
    return bytes;
  }

  static String b64(byte[] bytes) {
    return B64.encodeToString(bytes);
  }

  /** The {@code bytes} bytes {@code text} spells, or null unless it is their canonical spelling. */
  static byte[] unb64(String text, int bytes) {
    if (!isB64(text, bytes)) {
      return null;
    }
    return UNB64.decode(text);
  }

  /**
   * The bytes {@code text} spells, of any length up to {@code maxBytes}, or null unless it is
   * their canonical unpadded base64url spelling.
   */
  static byte[] unb64Any(String text, int maxBytes) {
    if (text == null || text.length() > encodedLength(maxBytes) || text.length() % 4 == 1) {
      return null;
    }
    int bytes = text.length() * 6 / 8;
    return unb64(text, bytes);
  }

  /** Whether {@code text} is the canonical unpadded base64url spelling of {@code bytes} bytes. */
  static boolean isB64(String text, int bytes) {
    if (text == null || text.length() != encodedLength(bytes)) {
      return false;
    }
    int last = 0;
    for (int i = 0; i < text.length(); i++) {
      last = sextet(text.charAt(i));
      if (last < 0) {
        return false;
      }
    }
    int unusedBits = text.length() * 6 - bytes * 8;
    return (last & ((1 << unusedBits) - 1)) == 0;
  }

  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '-') {
      return 62;
    }
    return c == '_' ? 63 : -1;
  }

  static String hex(byte[] bytes) {
    byte[] out = new byte[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out, StandardCharsets.US_ASCII);
  }

  static byte[] sha256(byte[] data) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest.digest(data);
  }

  static byte[] random(int bytes) {
    byte[] out = new byte[bytes];
    RANDOM.get().nextBytes(out);
    return out;
  }

  /** A fresh 128-bit random value, base64url: the shape of nonces and session ids. */
  static String randomToken() {
    return b64(random(NONCE_BYTES));
  }

  static SecureRandom secureRandom() {
    return RANDOM.get();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
