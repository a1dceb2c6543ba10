package io.assay.protocol;

import java.time.Clock;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * One session handshake in progress on the validator side, from {@link SessionInitiator#start}:
 * send {@link #hello()} to the miner's {@code POST /session}, pass its answer to
 * {@link #complete}.
 *
 * <p>Thread-safe. {@link #complete} succeeds at most once; a rejected accept leaves the
 * handshake open, so a forged answer cannot spoil the genuine one.
 */
public final class Handshake {

  private final Identity validator;
  private final Hotkey miner;
  private final Clock clock;
  private final X25519PrivateKeyParameters ephemeral;
  private final SessionHello hello;
  /** The 32 bytes a miner's quote must bind, or null when no attestation was asked for. */
  private final byte[] attestationNonce;
  private boolean completed;

  Handshake(Identity validator, Hotkey miner, Clock clock, boolean attest) {
    this.validator = validator;
    this.miner = miner;
    this.clock = clock;
    this.ephemeral = SessionKeys.newEphemeral();
    this.attestationNonce = attest ? Codec.randomBytes(AttestationBinding.NONCE_BYTES) : null;
    SessionHello unsigned = new SessionHello(validator.hotkey().value(), miner.value(),
        SessionKeys.publicKey(ephemeral), Codec.randomToken(), clock.millis(), null,
        attest ? Codec.b64(attestationNonce) : null);
    this.hello = new SessionHello(unsigned.validator(), unsigned.miner(),
        unsigned.ephemeralKey(), unsigned.nonce(), unsigned.timestamp(),
        Codec.b64(validator.sign(Canonical.hello(unsigned))), unsigned.attestationNonce());
  }

  /** The signed hello to send. */
  public SessionHello hello() {
    return hello;
  }

  /** The miner this handshake is addressed to. */
  public Hotkey miner() {
    return miner;
  }

  /**
   * Checks the miner's answer and derives the session key.
   *
   * @throws ProtocolException {@link RejectReason#MALFORMED} for a malformed field or an
   *     unusable ephemeral key; {@link RejectReason#WRONG_RECEIVER} if the accept names another
   *     validator; {@link RejectReason#BAD_SIGNATURE} if it names another miner or its
   *     signature is not that miner's over this hello; {@link RejectReason#EXPIRED_SESSION} if
   *     it has already expired
   * @throws IllegalStateException if this handshake already completed
   */
  public synchronized Session complete(SessionAccept accept) {
    if (completed) {
      throw new IllegalStateException("handshake with miner " + miner + " already completed");
    }
    if (accept == null) {
      throw malformed("no accept");
    }
    Hotkey acceptValidator = hotkey("validator", accept.validator());
    Hotkey acceptMiner = hotkey("miner", accept.miner());
    byte[] minerKey = Codec.unb64(accept.ephemeralKey(), SessionKeys.PUBLIC_KEY_BYTES);
    if (minerKey == null) {
      throw malformed("ephemeral_key is not 32 bytes of base64url");
    }
    if (!Codec.isB64(accept.sessionId(), Codec.NONCE_BYTES)) {
      throw malformed("session_id is not 16 bytes of base64url");
    }
    byte[] signature = Codec.unb64(accept.signature(), 64);
    if (signature == null) {
      throw malformed("signature is not 64 bytes of base64url");
    }
    byte[] quote = null;
    if (accept.quote() != null) {
      quote = Codec.unb64Any(accept.quote(), AttestationBinding.MAX_QUOTE_BYTES);
      if (attestationNonce == null || quote == null) {
        throw malformed(attestationNonce == null ? "it carries a quote no one asked for"
            : "quote is not base64url of at most " + AttestationBinding.MAX_QUOTE_BYTES
                + " bytes");
      }
    }
    if (!acceptValidator.equals(validator.hotkey())) {
      throw new ProtocolException(RejectReason.WRONG_RECEIVER, "session accept is addressed to"
          + " validator " + acceptValidator + ", not to this validator " + validator.hotkey());
    }
    if (!acceptMiner.equals(miner)) {
      throw new ProtocolException(RejectReason.BAD_SIGNATURE, "session accept comes from miner "
          + acceptMiner + " but the hello went to miner " + miner);
    }
    if (!Identity.verify(miner, Canonical.accept(hello, accept), signature)) {
      throw new ProtocolException(RejectReason.BAD_SIGNATURE, "session accept signature is not"
          + " miner " + miner + "'s answer to this hello");
    }
    long now = clock.millis();
    if (accept.expiresAt() <= now) {
      throw new ProtocolException(RejectReason.EXPIRED_SESSION, "session " + accept.sessionId()
          + " from miner " + miner + " expired at " + accept.expiresAt() + ", now is " + now);
    }
    byte[] key = SessionKeys.derive(ephemeral, minerKey, accept.sessionId(),
        validator.hotkey(), miner);
    completed = true;
    Session.Attestation attestation = quote == null ? null : new Session.Attestation(quote,
        AttestationBinding.reportData(attestationNonce, minerKey, miner));
    return new Session(accept.sessionId(), validator.hotkey(), miner, accept.expiresAt(), key,
        clock, attestation);
  }

  private ProtocolException malformed(String what) {
    return new ProtocolException(RejectReason.MALFORMED,
        "session accept from miner " + miner + " is malformed: " + what);
  }

  private Hotkey hotkey(String field, String value) {
    try {
      return Hotkey.parse(value);
    } catch (IllegalArgumentException e) {
      throw malformed(field + ": " + e.getMessage());
    }
  }
}
