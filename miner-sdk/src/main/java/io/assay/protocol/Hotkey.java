package io.assay.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The printable public identity of a validator or miner: the Base58 (Bitcoin alphabet)
 * spelling of its 32-byte Ed25519 public key.
 *
 * <p>Every instance is well formed: exactly 32 bytes, canonically spelled (at most 44
 * characters). Being well formed does not make the key a valid curve point; signatures
 * under an invalid point simply never verify. Serialises to and from a JSON string.
 * Immutable and thread-safe.
 *
 * @param value the Base58 spelling
 */
public record Hotkey(@JsonValue String value) {

  /** Bytes of an Ed25519 public key. */
  public static final int KEY_BYTES = 32;
  private static final int MAX_CHARS = 44;

  /** Validates {@code value}; throws IllegalArgumentException saying what is wrong. */
  public Hotkey {
    if (value == null) {
      throw new IllegalArgumentException("hotkey is missing");
    }
    if (value.isEmpty() || value.length() > MAX_CHARS) {
      throw new IllegalArgumentException("hotkey '" + abbreviate(value)
          + "' is not a hotkey: expected 32 to 44 base58 characters, got " + value.length());
    }
    byte[] key;
    try {
      key = Base58.decode(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "hotkey '" + value + "' is not a hotkey: " + e.getMessage(), e);
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("hotkey '" + value
          + "' is not a hotkey: it decodes to " + key.length + " bytes, expected 32");
    }
  }

  /** The hotkey of a 32-byte Ed25519 public key. */
  public static Hotkey of(byte[] publicKey) {
    if (publicKey == null || publicKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, got "
          + (publicKey == null ? "none" : publicKey.length));
    }
    return new Hotkey(Base58.encode(publicKey));
  }

  /** Parses a printed hotkey; throws IllegalArgumentException with a clear message if malformed. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Hotkey parse(String value) {
    return new Hotkey(value);
  }

  /** A fresh copy of the 32-byte public key. */
  public byte[] publicKey() {
    return Base58.decode(value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
