package io.assay.protocol;

/**
 * HTTP header names of the protocol. Header lookup is case-insensitive, as HTTP requires.
 *
 * <ul>
 *   <li>{@link #SESSION}: the session id from {@link SessionAccept#sessionId()}.
 *   <li>{@link #NONCE}: 128 random bits, base64url without padding (22 characters), never
 *       reused within a session.
 *   <li>{@link #TIMESTAMP}: the sender's clock in epoch milliseconds, decimal.
 *   <li>{@link #MAC}: base64url HMAC-SHA256 of the request; see {@link Session#sign}.
 *   <li>{@link #RECEIPT}: base64url HMAC-SHA256 the miner returns with its answer (for a
 *       stream, in the last event); see {@link AuthenticatedRequest#receipt}.
 *   <li>{@link #VALIDATOR}: the validator's hotkey, for endpoints that identify the caller
 *       without a session.
 * </ul>
 */
public final class ProtocolHeaders {

  public static final String SESSION = "Assay-Session";
  public static final String NONCE = "Assay-Nonce";
  public static final String TIMESTAMP = "Assay-Timestamp";
  public static final String MAC = "Assay-Mac";
  public static final String RECEIPT = "Assay-Receipt";
  public static final String VALIDATOR = "Assay-Validator";

  private ProtocolHeaders() {}
}
