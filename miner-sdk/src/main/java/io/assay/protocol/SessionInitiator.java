package io.assay.protocol;

import java.time.Clock;
import java.util.Objects;

/**
 * The validator side of the session handshake: {@link #start} builds a signed
 * {@link SessionHello} for one miner, and the returned {@link Handshake} turns the miner's
 * {@link SessionAccept} into a {@link Session}.
 *
 * <p>Thread-safe; one instance serves all miners.
 */
public final class SessionInitiator {

  private final Identity validator;
  private final Clock clock;

  /**
   * @param validator this validator's identity, which signs every hello
   * @param clock the source of hello timestamps and of request timestamps in the sessions
   */
  public SessionInitiator(Identity validator, Clock clock) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Starts a handshake with {@code miner}: a fresh ephemeral key, nonce and timestamp. */
  public Handshake start(Hotkey miner) {
    return start(miner, false);
  }

  /**
   * As {@link #start(Hotkey)}; with {@code attest}, the hello also carries a fresh attestation
   * nonce, asking the miner for a TEE quote that binds it ({@link AttestationBinding}).
   */
  public Handshake start(Hotkey miner, boolean attest) {
    return new Handshake(validator, Objects.requireNonNull(miner, "miner"), clock, attest);
  }
}
