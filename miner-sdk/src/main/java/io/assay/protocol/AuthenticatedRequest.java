package io.assay.protocol;

import java.util.Arrays;

/**
 * A request that passed {@link RequestAuthenticator#verify}: its session, its digest, and the
 * receipt to return with the answer. Immutable and thread-safe.
 */
public final class AuthenticatedRequest {

  private final Session session;
  private final byte[] digest;
  private final long timestamp;

  AuthenticatedRequest(Session session, byte[] digest, long timestamp) {
    this.session = session;
    this.digest = digest;
    this.timestamp = timestamp;
  }

  /**
   * The request's signed timestamp, epoch millis: the validator's clock when it signed. Its
   * scoring period is the period of the answer's receipt ({@link ReceiptLog}).
   */
  public long timestamp() {
    return timestamp;
  }

  /** The session the request came in. */
  public Session session() {
    return session;
  }

  /** A copy of the request digest: SHA-256 of the canonical request string. */
  public byte[] digest() {
    return Arrays.copyOf(digest, digest.length);
  }

  /**
   * The {@link ProtocolHeaders#RECEIPT} value for answering with {@code responseBody}: base64url
   * HMAC-SHA256 under the session key of
   * {@code "assay/receipt/v1\n" + hex(request digest) + "\n" + hex(SHA-256(responseBody))}.
   * Add it to the period's {@link ReceiptLog}.
   *
   * @param responseBody the exact bytes sent; null means empty
   */
  public String receipt(byte[] responseBody) {
    return receiptForDigest(Codec.sha256(responseBody == null ? new byte[0] : responseBody));
  }

  /**
   * As {@link #receipt}, given the SHA-256 of the whole response content, for streamed answers
   * hashed as they are written.
   *
   * @throws IllegalArgumentException if the digest is not 32 bytes
   */
  public String receiptForDigest(byte[] responseSha256) {
    return Codec.b64(session.receipt(digest, responseSha256));
  }
}
