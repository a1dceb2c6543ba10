package io.assay.protocol;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Checks the session MAC of every request a miner receives; see {@link Session} for what the
 * MAC covers.
 *
 * <p>Checks run in this order, the first failure wins: a missing or malformed protocol
 * header ({@link RejectReason#MALFORMED}, naming the header), an unknown or expired session,
 * a timestamp outside the window ({@link RejectReason#STALE_TIMESTAMP}), a wrong MAC
 * ({@link RejectReason#BAD_MAC}), a nonce already used in this session within the window
 * ({@link RejectReason#REPLAYED_NONCE}). The nonce is recorded only after the MAC verified,
 * so a forger cannot burn nonces. When the nonce memory is full, requests are refused as
 * replays until old nonces age out (fail closed).
 *
 * <p>Thread-safe and lock-free; a check costs two SHA-256 passes and one HMAC.
 */
public final class RequestAuthenticator {

  private final SessionResponder sessions;
  private final Clock clock;
  private final long windowMillis;
  private final NonceMemory nonces;

  /**
   * @param sessions where sessions are found
   * @param clock the time source
   * @param timestampWindow how far a request timestamp may be from this clock, positive
   * @param maxNonces the most nonces remembered within one window, at least 1
   * @throws IllegalArgumentException naming a bad argument
   */
  public RequestAuthenticator(SessionResponder sessions, Clock clock, Duration timestampWindow,
      int maxNonces) {
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(timestampWindow, "timestampWindow");
    if (timestampWindow.toMillis() < 1) {
      throw new IllegalArgumentException(
          "timestampWindow must be at least 1 ms, was " + timestampWindow);
    }
    if (maxNonces < 1) {
      throw new IllegalArgumentException("maxNonces must be >= 1, was " + maxNonces);
    }
    this.windowMillis = timestampWindow.toMillis();
    this.nonces = new NonceMemory(timestampWindow, maxNonces);
  }

  /**
   * A request whose protocol headers passed {@link #precheck}: well formed, the session known,
   * the timestamp within the window, when the headers came.
   */
  public static final class Prechecked {
    private final String method;
    private final String path;
    private final String sessionId;
    private final String nonce;
    private final String timestampText;
    private final long timestamp;
    private final byte[] mac;

    private Prechecked(String method, String path, String sessionId, String nonce,
        String timestampText, long timestamp, byte[] mac) {
      this.method = method;
      this.path = path;
      this.sessionId = sessionId;
      this.nonce = nonce;
      this.timestampText = timestampText;
      this.timestamp = timestamp;
      this.mac = mac;
    }
  }

  /**
   * The checks that need no body: the protocol headers are well formed, the session is known
   * and the timestamp is within the window. A miner runs this before it reads a body, so a
   * stranger cannot make it buffer one, then finishes with {@link #verify(Prechecked, byte[])}.
   *
   * @param header looks up a request header by name, case-insensitively; null if absent
   * @throws ProtocolException naming the failed check
   */
  public Prechecked precheck(String method, String path, Function<String, String> header) {
    Prechecked pre = parse(method, path, header);
    current(pre, clock.millis());
    return pre;
  }

  /** The protocol headers, checked for form only. */
  private static Prechecked parse(String method, String path,
      Function<String, String> header) {
    String sessionId = required(header, ProtocolHeaders.SESSION);
    String nonce = required(header, ProtocolHeaders.NONCE);
    String timestampText = required(header, ProtocolHeaders.TIMESTAMP);
    String macText = required(header, ProtocolHeaders.MAC);
    if (!Codec.isB64(sessionId, Codec.NONCE_BYTES)) {
      throw malformed(ProtocolHeaders.SESSION + " is not a session id (16 bytes of base64url)");
    }
    if (!Codec.isB64(nonce, Codec.NONCE_BYTES)) {
      throw malformed(ProtocolHeaders.NONCE + " is not 16 bytes of base64url");
    }
    long timestamp = parseTimestamp(timestampText);
    byte[] mac = Codec.unb64(macText, Codec.SHA256_BYTES);
    if (mac == null) {
      throw malformed(ProtocolHeaders.MAC + " is not 32 bytes of base64url");
    }
    if (method == null || method.isEmpty() || path == null || path.isEmpty()
        || path.indexOf('\n') >= 0) {
      throw malformed("method and path must be non-empty and on one line");
    }
    return new Prechecked(method, path, sessionId, nonce, timestampText, timestamp, mac);
  }

  /**
   * Authenticates one request.
   *
   * @param method the HTTP method
   * @param path the request target exactly as on the request line (path and query)
   * @param header looks up a request header by name, case-insensitively; null if absent
   * @param body the request body; null means empty
   * @return the authenticated request, which issues the receipt for the answer
   * @throws ProtocolException naming the failed check
   */
  public AuthenticatedRequest verify(String method, String path, Function<String, String> header,
      byte[] body) {
    return verify(parse(method, path, header), body);
  }

  /**
   * Finishes authenticating a request {@link #precheck}ed before its body came: the session and
   * the timestamp are checked again at this time, then the MAC over the body and the nonce.
   *
   * @param body the request body; null means empty
   * @return the authenticated request, which issues the receipt for the answer
   * @throws ProtocolException naming the failed check
   */
  public AuthenticatedRequest verify(Prechecked pre, byte[] body) {
    long now = clock.millis();
    Session session = current(pre, now);
    byte[] canonical = Session.canonicalRequest(pre.method.toUpperCase(Locale.ROOT), pre.path,
        pre.nonce, pre.timestampText, body);
    if (!MessageDigest.isEqual(pre.mac, session.mac(canonical))) {
      throw new ProtocolException(RejectReason.BAD_MAC, "request MAC does not match the method,"
          + " path, nonce, timestamp and body under session " + pre.sessionId);
    }
    switch (nonces.record(pre.sessionId + '/' + pre.nonce, pre.timestamp, now)) {
      case REPLAYED:
        throw new ProtocolException(RejectReason.REPLAYED_NONCE,
            "request nonce " + pre.nonce + " was already used in session " + pre.sessionId);
      case FULL:
        throw new ProtocolException(RejectReason.REPLAYED_NONCE, "cannot remember more request"
            + " nonces: " + nonces.capacity() + " seen within the window; retry later");
      default:
        return new AuthenticatedRequest(session, Codec.sha256(canonical), pre.timestamp);
    }
  }

  /** The request's session, if still known at {@code now}, and its timestamp in the window. */
  private Session current(Prechecked pre, long now) {
    Session session = sessions.session(pre.sessionId, now);
    if (!NonceMemory.withinWindow(pre.timestamp, now, windowMillis)) {
      throw new ProtocolException(RejectReason.STALE_TIMESTAMP, "request timestamp "
          + pre.timestamp + " is " + (now - pre.timestamp) + " ms from this miner's clock " + now
          + ", outside the " + windowMillis + " ms window");
    }
    return session;
  }

  private static String required(Function<String, String> header, String name) {
    String value = header.apply(name);
    if (value == null || value.isEmpty()) {
      throw malformed("missing header " + name);
    }
    return value;
  }

  /** Decimal epoch milliseconds: 1 to 18 ASCII digits, so the value is non-negative and fits. */
  private static long parseTimestamp(String text) {
    if (text.length() > 18) {
      throw malformed(ProtocolHeaders.TIMESTAMP + " is not epoch milliseconds");
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw malformed(ProtocolHeaders.TIMESTAMP + " is not epoch milliseconds");
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static ProtocolException malformed(String what) {
    return new ProtocolException(RejectReason.MALFORMED, "request is malformed: " + what);
  }
}
