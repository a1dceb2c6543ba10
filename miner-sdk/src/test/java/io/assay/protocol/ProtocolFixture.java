package io.assay.protocol;

import java.time.Duration;
import java.util.Set;

/**
 * A validator and a miner wired together on one mutable clock: the shared starting point of
 * the protocol tests. Identities are generated once per JVM (they cost nothing to share).
 */
final class ProtocolFixture {

  static final Identity VALIDATOR = Identity.generate();
  static final Identity MINER = Identity.generate();
  static final Identity STRANGER = Identity.generate();
  static final Duration SESSION_TTL = Duration.ofMinutes(10);
  static final Duration WINDOW = Duration.ofSeconds(30);

  final MutableClock validatorClock = MutableClock.atEpochMillis(1_750_000_000_000L);
  final MutableClock minerClock = MutableClock.atEpochMillis(1_750_000_000_000L);
  final SessionInitiator initiator = new SessionInitiator(VALIDATOR, validatorClock);
  final SessionResponder responder;
  final RequestAuthenticator authenticator;

  ProtocolFixture() {
    this(8);
  }

  ProtocolFixture(int maxSessions) {
    responder = new SessionResponder(MINER, Set.of(VALIDATOR.hotkey())::contains, minerClock,
        SESSION_TTL, WINDOW, maxSessions);
    authenticator = new RequestAuthenticator(responder, minerClock, WINDOW, 10_000);
  }

  /** Runs a whole handshake and returns the validator's session. */
  Session openSession() {
    Handshake handshake = initiator.start(MINER.hotkey());
    return handshake.complete(responder.accept(handshake.hello()));
  }

  /** Moves both sides' clocks. */
  void advance(Duration by) {
    validatorClock.advance(by);
    minerClock.advance(by);
  }

  AuthenticatedRequest verify(String method, String path, SignedRequest request, byte[] body) {
    return authenticator.verify(method, path, name -> request.headers().get(name), body);
  }
}
