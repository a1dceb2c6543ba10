package io.assay.protocol;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * The miner side of the session handshake, and the table of open sessions.
 *
 * <p>{@link #accept} answers a {@link SessionHello} (the body of {@code POST /session});
 * {@link #session} finds a session by id for every request. The table is bounded: opening a
 * session when it is full evicts expired sessions first, then the oldest (all sessions live
 * equally long, so the oldest is also the first to expire). Hello nonces are remembered for
 * the timestamp window, up to {@code max(1024, 4 * maxSessions)} of them.
 *
 * <p>Thread-safe. Look-ups take no lock; opening a session takes a short one, after the
 * Ed25519 verification.
 */
public final class SessionResponder {

  private final Identity miner;
  private final Predicate<Hotkey> acceptedValidators;
  private final Clock clock;
  private final long ttlMillis;
  private final long windowMillis;
  private final int maxSessions;
  private final NonceMemory helloNonces;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  /** Quotes for hellos that ask for attestation; null when this miner runs in no TEE. */
  private volatile AttestationBinding.Quoter quoter;
  private final ArrayDeque<Session> byAge = new ArrayDeque<>();

  /**
   * @param miner this miner's identity, which signs every accept
   * @param acceptedValidators which validators may open sessions; called once per
   *     well-signed, timely hello addressed to this miner
   * @param clock the time source
   * @param sessionTtl how long a session lives, positive
   * @param timestampWindow how far a hello's timestamp may be from this clock, positive
   * @param maxSessions the most sessions kept open, at least 1
   * @throws IllegalArgumentException naming a bad argument
   */
  public SessionResponder(Identity miner, Predicate<Hotkey> acceptedValidators, Clock clock,
      Duration sessionTtl, Duration timestampWindow, int maxSessions) {
    this.miner = Objects.requireNonNull(miner, "miner");
    this.acceptedValidators = Objects.requireNonNull(acceptedValidators, "acceptedValidators");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ttlMillis = positiveMillis("sessionTtl", sessionTtl);
    this.windowMillis = positiveMillis("timestampWindow", timestampWindow);
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be >= 1, was " + maxSessions);
    }
    this.maxSessions = maxSessions;
    this.helloNonces = new NonceMemory(timestampWindow,
        (int) Math.min(Integer.MAX_VALUE, Math.max(1024L, 4L * maxSessions)));
  }

  /**
   * From now on, answers a hello that asks for attestation with a quote from {@code quoter} (a
   * miner in a TEE); without one, such a hello gets an accept without a quote, and its session
   * is not attested.
   */
  public void attestWith(AttestationBinding.Quoter quoter) {
    this.quoter = quoter;
  }

  /**
   * Checks a hello and opens a session. Checks run in this order, the first failure wins:
   * malformed field ({@link RejectReason#MALFORMED}), signature
   * ({@link RejectReason#BAD_SIGNATURE}), timestamp outside the window
   * ({@link RejectReason#STALE_TIMESTAMP}), addressed to another miner
   * ({@link RejectReason#WRONG_RECEIVER}), validator not accepted
   * ({@link RejectReason#UNKNOWN_VALIDATOR}), nonce already seen within the window
   * ({@link RejectReason#REPLAYED_NONCE}).
   *
   * @return the signed answer to send back
   * @throws ProtocolException naming the failed check
   */
  public SessionAccept accept(SessionHello hello) {
    if (hello == null) {
      throw new ProtocolException(RejectReason.MALFORMED, "session hello is missing");
    }
    Hotkey validator = hotkey("validator", hello.validator());
    Hotkey addressee = hotkey("miner", hello.miner());
    byte[] validatorKey = Codec.unb64(hello.ephemeralKey(), SessionKeys.PUBLIC_KEY_BYTES);
    if (validatorKey == null) {
      throw malformed("ephemeral_key is not 32 bytes of base64url");
    }
    if (!Codec.isB64(hello.nonce(), Codec.NONCE_BYTES)) {
      throw malformed("nonce is not 16 bytes of base64url");
    }
    byte[] attestationNonce = hello.attestationNonce() == null ? null
        : Codec.unb64(hello.attestationNonce(), AttestationBinding.NONCE_BYTES);
    if (hello.attestationNonce() != null && attestationNonce == null) {
      throw malformed("attestation_nonce is not 32 bytes of base64url");
    }
    byte[] signature = Codec.unb64(hello.signature(), 64);
    if (signature == null) {
      throw malformed("signature is not 64 bytes of base64url");
    }
    if (!Identity.verify(validator, Canonical.hello(hello), signature)) {
      throw new ProtocolException(RejectReason.BAD_SIGNATURE,
          "session hello signature does not verify for validator " + validator);
    }
    long now = clock.millis();
    if (!NonceMemory.withinWindow(hello.timestamp(), now, windowMillis)) {
      throw new ProtocolException(RejectReason.STALE_TIMESTAMP, "session hello timestamp "
          + hello.timestamp() + " is " + (now - hello.timestamp()) + " ms from this miner's"
          + " clock " + now + ", outside the " + windowMillis + " ms window");
    }
    if (!addressee.equals(miner.hotkey())) {
      throw new ProtocolException(RejectReason.WRONG_RECEIVER, "session hello is addressed to"
          + " miner " + addressee + ", this is miner " + miner.hotkey());
    }
    if (!acceptedValidators.test(validator)) {
      throw new ProtocolException(RejectReason.UNKNOWN_VALIDATOR,
          "validator " + validator + " is not accepted by this miner");
    }
    switch (helloNonces.record(validator.value() + '/' + hello.nonce(), hello.timestamp(), now)) {
      case REPLAYED:
        throw new ProtocolException(RejectReason.REPLAYED_NONCE, "session hello nonce "
            + hello.nonce() + " from validator " + validator + " was already used");
      case FULL:
        throw new ProtocolException(RejectReason.REPLAYED_NONCE, "cannot remember more hello"
            + " nonces: " + helloNonces.capacity() + " seen within the window; retry later");
      default:
        break;
    }
    X25519PrivateKeyParameters ephemeral = SessionKeys.newEphemeral();
    String sessionId = Codec.randomToken();
    byte[] key = SessionKeys.derive(ephemeral, validatorKey, sessionId, validator,
        miner.hotkey());
    long expiresAt = now + ttlMillis;
    String ownKey = SessionKeys.publicKey(ephemeral);
    AttestationBinding.Quoter attester = quoter;
    Session.Attestation attestation = null;
    if (attestationNonce != null && attester != null) {
      byte[] reportData = AttestationBinding.reportData(attestationNonce,
          Codec.unb64(ownKey, SessionKeys.PUBLIC_KEY_BYTES), miner.hotkey());
      attestation = new Session.Attestation(attester.quote(reportData), reportData);
    }
    open(new Session(sessionId, validator, miner.hotkey(), expiresAt, key, clock, attestation),
        now);
    SessionAccept unsigned = new SessionAccept(validator.value(), miner.hotkey().value(),
        ownKey, sessionId, expiresAt, null,
        attestation == null ? null : Codec.b64(attestation.quote()));
    return new SessionAccept(unsigned.validator(), unsigned.miner(), unsigned.ephemeralKey(),
        sessionId, expiresAt, Codec.b64(miner.sign(Canonical.accept(hello, unsigned))),
        unsigned.quote());
  }

  /**
   * The open session with this id.
   *
   * @throws ProtocolException {@link RejectReason#UNKNOWN_SESSION} if there is none (never
   *     opened, or evicted), {@link RejectReason#EXPIRED_SESSION} if it has expired
   */
  public Session session(String sessionId) {
    return session(sessionId, clock.millis());
  }

  Session session(String sessionId, long nowMillis) {
    Session session = sessionId == null ? null : sessions.get(sessionId);
    if (session == null) {
      String shown = Codec.isB64(sessionId, Codec.NONCE_BYTES) ? sessionId : "with that id";
      throw new ProtocolException(RejectReason.UNKNOWN_SESSION,
          "no session " + shown + " on this miner; open a new one");
    }
    if (session.expiredAt(nowMillis)) {
      throw new ProtocolException(RejectReason.EXPIRED_SESSION, "session " + sessionId
          + " expired at " + session.expiresAt() + "; open a new one");
    }
    return session;
  }

  /** Sessions held, expired ones included until evicted. */
  public int size() {
    return sessions.size();
  }

  private void open(Session session, long now) {
    synchronized (byAge) {
      while (!byAge.isEmpty()
          && (byAge.peekFirst().expiredAt(now) || byAge.size() >= maxSessions)) {
        sessions.remove(byAge.pollFirst().id());
      }
      byAge.addLast(session);
      sessions.put(session.id(), session);
    }
  }

  private static ProtocolException malformed(String what) {
    return new ProtocolException(RejectReason.MALFORMED,
        "session hello is malformed: " + what);
  }

  private static Hotkey hotkey(String field, String value) {
    try {
      return Hotkey.parse(value);
    } catch (IllegalArgumentException e) {
      throw malformed(field + ": " + e.getMessage());
    }
  }

  private static long positiveMillis(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero() || value.toMillis() < 1) {
      throw new IllegalArgumentException(name + " must be at least 1 ms, was " + value);
    }
    return value.toMillis();
  }
}
