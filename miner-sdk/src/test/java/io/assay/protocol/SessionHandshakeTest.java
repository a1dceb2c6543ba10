package io.assay.protocol;

import static io.assay.protocol.ProtocolFixture.MINER;
import static io.assay.protocol.ProtocolFixture.STRANGER;
import static io.assay.protocol.ProtocolFixture.VALIDATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Json;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class SessionHandshakeTest {

  private final ProtocolFixture fixture = new ProtocolFixture();

  @Test
  void handshake_givesBothSidesTheSameSessionAndKey() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    SessionAccept accept = fixture.responder.accept(handshake.hello());

    Session validatorSide = handshake.complete(accept);
    Session minerSide = fixture.responder.session(accept.sessionId());

    assertThat(validatorSide.keyForTesting()).hasSize(32).isEqualTo(minerSide.keyForTesting());
    assertThat(validatorSide.id()).isEqualTo(minerSide.id()).isEqualTo(accept.sessionId());
    assertThat(validatorSide.validator()).isEqualTo(VALIDATOR.hotkey());
    assertThat(validatorSide.miner()).isEqualTo(MINER.hotkey());
    assertThat(minerSide.validator()).isEqualTo(VALIDATOR.hotkey());
    assertThat(validatorSide.expiresAt()).isEqualTo(minerSide.expiresAt())
        .isEqualTo(fixture.minerClock.instant().plus(ProtocolFixture.SESSION_TTL));
  }

  @Test
  void twoHandshakes_deriveDifferentKeys() {
    assertThat(fixture.openSession().keyForTesting())
        .isNotEqualTo(fixture.openSession().keyForTesting());
  }

  @Test
  void helloAndAccept_useSnakeCaseJsonAndSurviveARoundTrip() throws Exception {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    String helloJson = Json.MAPPER.writeValueAsString(handshake.hello());
    SessionHello hello = Json.MAPPER.readValue(helloJson, SessionHello.class);
    String acceptJson = Json.MAPPER.writeValueAsString(fixture.responder.accept(hello));
    SessionAccept accept = Json.MAPPER.readValue(acceptJson, SessionAccept.class);

    assertThat(Json.MAPPER.readTree(helloJson).fieldNames()).toIterable().containsExactly(
        "validator", "miner", "ephemeral_key", "nonce", "timestamp", "signature");
    assertThat(Json.MAPPER.readTree(acceptJson).fieldNames()).toIterable().containsExactly(
        "validator", "miner", "ephemeral_key", "session_id", "expires_at", "signature");
    assertThat(hello).isEqualTo(handshake.hello());
    assertThat(handshake.complete(accept).id()).isEqualTo(accept.sessionId());
  }

  @Test
  void forgedHelloSignature_isRejectedAsBadSignature() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    SessionHello forged = build(hello, h -> new SessionHello(h.validator(), h.miner(),
        h.ephemeralKey(), h.nonce(), h.timestamp(),
        Codec.b64(STRANGER.sign(Canonical.hello(h)))));

    assertRejected(() -> fixture.responder.accept(forged), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void helloWithASwappedEphemeralKey_isRejectedAsBadSignature() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    SessionHello tampered = new SessionHello(hello.validator(), hello.miner(),
        SessionKeys.publicKey(SessionKeys.newEphemeral()), hello.nonce(), hello.timestamp(),
        hello.signature());

    assertRejected(() -> fixture.responder.accept(tampered), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void replayedHello_isRejectedAsReplayedNonce() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    fixture.responder.accept(hello);

    assertRejected(() -> fixture.responder.accept(hello), RejectReason.REPLAYED_NONCE)
        .hasMessageContaining(hello.nonce());
  }

  @Test
  void helloOlderThanTheWindow_isRejectedAsStale() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    fixture.minerClock.advance(ProtocolFixture.WINDOW.plusMillis(1));

    assertRejected(() -> fixture.responder.accept(hello), RejectReason.STALE_TIMESTAMP);
  }

  @Test
  void helloFromTheFutureBeyondTheWindow_isRejectedAsStale() {
    fixture.validatorClock.advance(ProtocolFixture.WINDOW.plusMillis(1));
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();

    assertRejected(() -> fixture.responder.accept(hello), RejectReason.STALE_TIMESTAMP);
  }

  @Test
  void helloWithATimestampThatOverflowsTheDistance_isRejectedAsStale() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    SessionHello extreme = resign(new SessionHello(hello.validator(), hello.miner(),
        hello.ephemeralKey(), hello.nonce(), fixture.minerClock.millis() + Long.MIN_VALUE, null));

    assertRejected(() -> fixture.responder.accept(extreme), RejectReason.STALE_TIMESTAMP);
  }

  @Test
  void helloAtTheEdgeOfTheWindow_isAccepted() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    fixture.minerClock.advance(ProtocolFixture.WINDOW);

    assertThat(fixture.responder.accept(hello).sessionId()).isNotEmpty();
  }

  @Test
  void helloForAnotherMiner_isRejectedAsWrongReceiver() {
    SessionHello hello = fixture.initiator.start(STRANGER.hotkey()).hello();

    assertRejected(() -> fixture.responder.accept(hello), RejectReason.WRONG_RECEIVER);
  }

  @Test
  void helloFromAValidatorTheMinerDoesNotAccept_isRejectedAsUnknownValidator() {
    SessionHello hello =
        new SessionInitiator(STRANGER, fixture.validatorClock).start(MINER.hotkey()).hello();

    assertRejected(() -> fixture.responder.accept(hello), RejectReason.UNKNOWN_VALIDATOR)
        .hasMessageContaining(STRANGER.hotkey().value());
  }

  @Test
  void malformedHelloFields_areRejectedAsMalformed() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();

    assertRejected(() -> fixture.responder.accept(null), RejectReason.MALFORMED);
    assertRejected(() -> fixture.responder.accept(build(hello, h -> new SessionHello("nope",
        h.miner(), h.ephemeralKey(), h.nonce(), h.timestamp(), h.signature()))),
        RejectReason.MALFORMED).hasMessageContaining("validator");
    assertRejected(() -> fixture.responder.accept(build(hello, h -> new SessionHello(
        h.validator(), h.miner(), "short", h.nonce(), h.timestamp(), h.signature()))),
        RejectReason.MALFORMED).hasMessageContaining("ephemeral_key");
    assertRejected(() -> fixture.responder.accept(build(hello, h -> new SessionHello(
        h.validator(), h.miner(), h.ephemeralKey(), h.nonce() + "=", h.timestamp(),
        h.signature()))), RejectReason.MALFORMED).hasMessageContaining("nonce");
    assertRejected(() -> fixture.responder.accept(build(hello, h -> new SessionHello(
        h.validator(), h.miner(), h.ephemeralKey(), h.nonce(), h.timestamp(), null))),
        RejectReason.MALFORMED).hasMessageContaining("signature");
  }

  @Test
  void lowOrderEphemeralKey_isRejectedAsMalformed() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    SessionHello lowOrder = resign(new SessionHello(hello.validator(), hello.miner(),
        Codec.b64(new byte[32]), hello.nonce(), hello.timestamp(), null));

    assertRejected(() -> fixture.responder.accept(lowOrder), RejectReason.MALFORMED)
        .hasMessageContaining("low-order");
  }

  @Test
  void acceptFromAnotherMinerKey_isRejectedAsBadSignature() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    SessionAccept accept = fixture.responder.accept(handshake.hello());
    SessionAccept forged = new SessionAccept(accept.validator(), accept.miner(),
        accept.ephemeralKey(), accept.sessionId(), accept.expiresAt(),
        Codec.b64(STRANGER.sign(Canonical.accept(handshake.hello(), accept))));

    assertRejected(() -> handshake.complete(forged), RejectReason.BAD_SIGNATURE);
    assertThat(handshake.complete(accept).id()).isEqualTo(accept.sessionId());
  }

  @Test
  void acceptForAnotherHello_isRejectedAsBadSignature() {
    Handshake first = fixture.initiator.start(MINER.hotkey());
    Handshake second = fixture.initiator.start(MINER.hotkey());
    SessionAccept acceptOfFirst = fixture.responder.accept(first.hello());

    assertRejected(() -> second.complete(acceptOfFirst), RejectReason.BAD_SIGNATURE)
        .hasMessageContaining("this hello");
  }

  @Test
  void acceptSignedByTheRightMinerForAnotherMinerName_isRejected() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    SessionAccept accept = fixture.responder.accept(handshake.hello());
    SessionAccept renamed = new SessionAccept(accept.validator(), STRANGER.hotkey().value(),
        accept.ephemeralKey(), accept.sessionId(), accept.expiresAt(), accept.signature());

    assertRejected(() -> handshake.complete(renamed), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void acceptWithATamperedExpiry_isRejectedAsBadSignature() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    SessionAccept accept = fixture.responder.accept(handshake.hello());
    SessionAccept extended = new SessionAccept(accept.validator(), accept.miner(),
        accept.ephemeralKey(), accept.sessionId(), accept.expiresAt() + 1, accept.signature());

    assertRejected(() -> handshake.complete(extended), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void acceptAddressedToAnotherValidator_isRejectedAsWrongReceiver() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    SessionAccept accept = fixture.responder.accept(handshake.hello());
    SessionAccept other = new SessionAccept(STRANGER.hotkey().value(), accept.miner(),
        accept.ephemeralKey(), accept.sessionId(), accept.expiresAt(), accept.signature());

    assertRejected(() -> handshake.complete(other), RejectReason.WRONG_RECEIVER);
  }

  @Test
  void acceptReceivedAfterItExpired_isRejectedAsExpiredSession() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    SessionAccept accept = fixture.responder.accept(handshake.hello());
    fixture.validatorClock.advance(ProtocolFixture.SESSION_TTL);

    assertRejected(() -> handshake.complete(accept), RejectReason.EXPIRED_SESSION);
  }

  @Test
  void handshake_completesOnlyOnce() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey());
    SessionAccept accept = fixture.responder.accept(handshake.hello());
    handshake.complete(accept);

    assertThatThrownBy(() -> handshake.complete(accept))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void unknownSessionId_isRejectedAsUnknownSession() {
    assertRejected(() -> fixture.responder.session(Codec.randomToken()),
        RejectReason.UNKNOWN_SESSION);
    assertRejected(() -> fixture.responder.session("not-an-id"), RejectReason.UNKNOWN_SESSION);
    assertRejected(() -> fixture.responder.session(null), RejectReason.UNKNOWN_SESSION);
  }

  @Test
  void sessionPastItsTtl_isRejectedAsExpired() {
    Session session = fixture.openSession();
    fixture.minerClock.advance(ProtocolFixture.SESSION_TTL.minusMillis(1));
    assertThat(fixture.responder.session(session.id())).isNotNull();

    fixture.minerClock.advance(Duration.ofMillis(1));

    assertRejected(() -> fixture.responder.session(session.id()), RejectReason.EXPIRED_SESSION);
    assertThat(session.expired(fixture.minerClock.instant())).isTrue();
  }

  @Test
  void fullSessionTable_evictsExpiredSessionsFirstThenTheOldest() {
    ProtocolFixture small = new ProtocolFixture(2);
    Session expiring = small.openSession();
    small.advance(ProtocolFixture.SESSION_TTL.plusSeconds(1));
    Session oldest = small.openSession();
    Session middle = small.openSession();

    assertRejected(() -> small.responder.session(expiring.id()), RejectReason.UNKNOWN_SESSION);
    assertThat(small.responder.session(oldest.id())).isNotNull();

    Session newest = small.openSession();

    assertRejected(() -> small.responder.session(oldest.id()), RejectReason.UNKNOWN_SESSION);
    assertThat(small.responder.session(middle.id())).isNotNull();
    assertThat(small.responder.session(newest.id())).isNotNull();
    assertThat(small.responder.size()).isEqualTo(2);
  }

  @Test
  void replayedHelloAfterTheWindow_isRejectedAsStaleNotRemembered() {
    SessionHello hello = fixture.initiator.start(MINER.hotkey()).hello();
    fixture.responder.accept(hello);
    fixture.minerClock.advance(ProtocolFixture.WINDOW.plusMillis(1));

    assertRejected(() -> fixture.responder.accept(hello), RejectReason.STALE_TIMESTAMP);
  }

  @Test
  void rejectReasons_carryStatusAndSnakeCaseCode() {
    assertThat(RejectReason.BAD_MAC.status()).isEqualTo(401);
    assertThat(RejectReason.BAD_MAC.code()).isEqualTo("bad_mac");
    assertThat(RejectReason.WRONG_RECEIVER.status()).isEqualTo(403);
    assertThat(RejectReason.UNKNOWN_VALIDATOR.status()).isEqualTo(403);
    assertThat(RejectReason.MALFORMED.status()).isEqualTo(400);
    assertThat(RejectReason.ofCode("expired_session")).contains(RejectReason.EXPIRED_SESSION);
    assertThat(RejectReason.ofCode("nope")).isEmpty();
    assertThat(new ProtocolException(RejectReason.BAD_MAC, "x").getStackTrace()).isEmpty();
  }

  private static SessionHello build(SessionHello hello, UnaryOperator<SessionHello> change) {
    return change.apply(hello);
  }

  private static SessionHello resign(SessionHello h) {
    return new SessionHello(h.validator(), h.miner(), h.ephemeralKey(), h.nonce(), h.timestamp(),
        Codec.b64(VALIDATOR.sign(Canonical.hello(h))));
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(Runnable call,
      RejectReason reason) {
    return assertThatThrownBy(call::run)
        .isInstanceOf(ProtocolException.class)
        .satisfies(e -> assertThat(((ProtocolException) e).reason()).isEqualTo(reason));
  }
}
