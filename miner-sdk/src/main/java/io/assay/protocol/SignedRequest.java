package io.assay.protocol;

import java.util.Arrays;
import java.util.Map;

/**
 * A request signed by the validator ({@link Session#sign}): the headers to send, and the
 * request digest that the miner's receipt must cover. Immutable and thread-safe.
 */
public final class SignedRequest {

  private final Session session;
  private final Map<String, String> headers;
  private final byte[] digest;
  private final long timestamp;

  SignedRequest(Session session, Map<String, String> headers, byte[] digest, long timestamp) {
    this.session = session;
    this.headers = headers;
    this.digest = digest;
    this.timestamp = timestamp;
  }

  /**
   * The signed timestamp, epoch millis. The answer's receipt belongs to its scoring period on
   * both sides ({@link ReceiptLog}).
   */
  public long timestamp() {
    return timestamp;
  }

  /**
   * The protocol headers to add to the request: {@link ProtocolHeaders#SESSION},
   * {@link ProtocolHeaders#NONCE}, {@link ProtocolHeaders#TIMESTAMP} and
   * {@link ProtocolHeaders#MAC}. Immutable.
   */
  public Map<String, String> headers() {
    return headers;
  }

  /** A copy of the request digest: SHA-256 of the canonical request string. */
  public byte[] digest() {
    return Arrays.copyOf(digest, digest.length);
  }

  /**
   * Whether the miner's {@link ProtocolHeaders#RECEIPT} value is the genuine receipt for
   * this request and {@code responseBody}. False for a missing or malformed header; compares
   * in constant time.
   */
  public boolean receiptMatches(String receiptHeader, byte[] responseBody) {
    return receiptMatchesDigest(receiptHeader,
        Codec.sha256(responseBody == null ? new byte[0] : responseBody));
  }

  /**
   * As {@link #receiptMatches}, given the SHA-256 of the response content, for streamed
   * answers hashed as they pass through. False if the digest is not 32 bytes.
   */
  public boolean receiptMatchesDigest(String receiptHeader, byte[] responseSha256) {
    return session.receiptMatches(digest, receiptHeader, responseSha256);
  }
}
