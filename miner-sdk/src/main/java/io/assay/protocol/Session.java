package io.assay.protocol;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An open session between one validator and one miner: the symmetric key that
 * authenticates every request and receipt between them, and when it expires.
 *
 * <p>The validator gets one from {@link Handshake#complete} and signs requests with
 * {@link #sign}; the miner finds it through {@link SessionResponder#session} when
 * {@link RequestAuthenticator} checks a request. Request MAC and digest cover the UTF-8
 * bytes of
 * <pre>
 * "assay/request/v1\n" + METHOD + "\n" + path + "\n" + nonce + "\n" + timestamp + "\n"
 *     + hex(SHA-256(body))</pre>
 * where {@code METHOD} is upper case, {@code path} is the request target exactly as on the
 * request line (path and query, no normalisation), {@code nonce} and {@code timestamp} are
 * the header values and hex is lowercase. MAC = HMAC-SHA256(session key, that string);
 * request digest = SHA-256(that string). A receipt is HMAC-SHA256(session key,
 * {@code "assay/receipt/v1\n" + hex(request digest) + "\n" + hex(SHA-256(response body))}).
 *
 * <p>Immutable and thread-safe. Signing takes no lock and costs two SHA-256 passes and one
 * HMAC: a few microseconds.
 */
public final class Session {

  private final String id;
  private final Hotkey validator;
  private final Hotkey miner;
  private final Instant expiresAt;
  private final long expiresAtMillis;
  private final byte[] key;
  private final Hmac hmac;
  private final Clock clock;
  private final Attestation attestation;
  private final byte[] bodyKey;

  Session(String id, Hotkey validator, Hotkey miner, long expiresAtMillis, byte[] key,
      Clock clock) {
    this(id, validator, miner, expiresAtMillis, key, clock, null);
  }

  /** @param attestation the miner's quote for an attested session, else null */
  Session(String id, Hotkey validator, Hotkey miner, long expiresAtMillis, byte[] key,
      Clock clock, Attestation attestation) {
    this.id = id;
    this.validator = validator;
    this.miner = miner;
    this.expiresAtMillis = expiresAtMillis;
    this.expiresAt = Instant.ofEpochMilli(expiresAtMillis);
    this.key = key;
    this.hmac = new Hmac(key);
    this.clock = clock;
    this.attestation = attestation;
    this.bodyKey = attestation == null ? null : AttestedBodies.bodyKey(key);
  }

  /**
   * What the miner of an attested session sent to prove where it runs: its DCAP quote and the
   * report data the quote must carry ({@link AttestationBinding}). Checking the quote is the
   * validator's business (its TEE verifier); this only says what to check.
   */
  public record Attestation(byte[] quote, byte[] reportData) {}

  /** The miner's quote and the report data it must carry; null unless the session is attested. */
  public Attestation attestation() {
    return attestation;
  }

  /**
   * {@code body} sealed for {@code path} to the enclave of this attested session ({@link
   * AttestedBodies}).
   *
   * @throws IllegalStateException when the session is not attested
   */
  public byte[] seal(String path, byte[] body) {
    return AttestedBodies.seal(requireBodyKey(), path, body);
  }

  /**
   * The body sealed in {@code sealed} for {@code path}.
   *
   * @throws ProtocolException {@link RejectReason#MALFORMED} when it does not open
   * @throws IllegalStateException when the session is not attested
   */
  public byte[] open(String path, byte[] sealed) {
    return AttestedBodies.open(requireBodyKey(), path, sealed);
  }

  private byte[] requireBodyKey() {
    if (bodyKey == null) {
      throw new IllegalStateException("session " + id + " is not attested: no body key");
    }
    return bodyKey;
  }

  /** The session id the miner assigned; goes in {@link ProtocolHeaders#SESSION}. */
  public String id() {
    return id;
  }

  public Hotkey validator() {
    return validator;
  }

  public Hotkey miner() {
    return miner;
  }

  /** When the miner forgets this session. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** Whether the session is over at {@code now} (at or after {@link #expiresAt()}). */
  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  boolean expiredAt(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /**
   * Signs one request (validator side) with a fresh nonce and the current time.
   *
   * @param method the HTTP method, any case
   * @param path the request target exactly as it will be sent (path and query)
   * @param body the request body; null means empty
   * @return the headers to send and what is needed to check the miner's receipt
   * @throws IllegalArgumentException if method or path is empty or contains a line break
   */
  public SignedRequest sign(String method, String path, byte[] body) {
    String upperMethod = checkField("method", method).toUpperCase(Locale.ROOT);
    checkField("path", path);
    String nonce = Codec.randomToken();
    long now = clock.millis();
    String timestamp = Long.toString(now);
    byte[] canonical = canonicalRequest(upperMethod, path, nonce, timestamp, body);
    Map<String, String> headers = Map.of(
        ProtocolHeaders.SESSION, id,
        ProtocolHeaders.NONCE, nonce,
        ProtocolHeaders.TIMESTAMP, timestamp,
        ProtocolHeaders.MAC, Codec.b64(hmac.compute(canonical)));
    return new SignedRequest(this, headers, Codec.sha256(canonical), now);
  }

  /** HMAC-SHA256 under the session key. */
  byte[] mac(byte[] data) {
    return hmac.compute(data);
  }

  /** The raw receipt of an answer to the request with {@code requestDigest}. */
  byte[] receipt(byte[] requestDigest, byte[] responseSha256) {
    if (responseSha256 == null || responseSha256.length != Codec.SHA256_BYTES) {
      throw new IllegalArgumentException("a response digest is a 32-byte SHA-256, got "
          + (responseSha256 == null ? "none" : responseSha256.length + " bytes"));
    }
    return hmac.compute(Canonical.receipt(requestDigest, responseSha256));
  }

  /** Whether {@code receiptHeader} is the receipt for the two digests; constant time. */
  boolean receiptMatches(byte[] requestDigest, String receiptHeader, byte[] responseSha256) {
    byte[] presented = Codec.unb64(receiptHeader, Codec.SHA256_BYTES);
    if (presented == null || responseSha256 == null
        || responseSha256.length != Codec.SHA256_BYTES) {
      return false;
    }
    return MessageDigest.isEqual(presented, receipt(requestDigest, responseSha256));
  }

  /** A copy of the session key, for tests only. */
  byte[] keyForTesting() {
    return Arrays.copyOf(key, key.length);
  }

  static byte[] canonicalRequest(String method, String path, String nonce, String timestamp,
      byte[] body) {
    byte[] bodySha256 = Codec.sha256(body == null ? new byte[0] : body);
    return Canonical.request(method, path, nonce, timestamp, bodySha256);
  }

  private static String checkField(String name, String value) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(name + " must be non-empty and on one line: " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "Session[" + id + ", validator=" + validator + ", miner=" + miner + ", expires "
        + expiresAt + "]";
  }
}
