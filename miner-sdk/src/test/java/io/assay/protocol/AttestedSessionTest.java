package io.assay.protocol;

import static io.assay.protocol.ProtocolFixture.MINER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 1: a hello that asks for attestation carries a fresh nonce; a miner in a TEE
 * answers with a quote over {@code SHA-512("assay-attest-v1" || nonce || its ephemeral key ||
 * its hotkey)}, signed into its accept; bodies are then sealed to the session key.
 */
class AttestedSessionTest {

  private final ProtocolFixture fixture = new ProtocolFixture();
  /** Stands in for a TEE: its "quote" is the report data it was given, prefixed. */
  private static final AttestationBinding.Quoter ECHO = reportData -> concat(
      "quote:".getBytes(StandardCharsets.US_ASCII), reportData);

  @Test
  void anAttestedHandshake_givesBothSidesTheQuoteBindingTheNonceKeyAndHotkey() throws Exception {
    fixture.responder.attestWith(ECHO);
    Handshake handshake = fixture.initiator.start(MINER.hotkey(), true);
    SessionHello hello = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(handshake.hello()),
        SessionHello.class);
    assertThat(Codec.unb64(hello.attestationNonce(), 32)).isNotNull();
    SessionAccept accept = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(
        fixture.responder.accept(hello)), SessionAccept.class);

    Session validatorSide = handshake.complete(accept);
    Session minerSide = fixture.responder.session(accept.sessionId());

    byte[] expected = AttestationBinding.reportData(Codec.unb64(hello.attestationNonce(), 32),
        Codec.unb64(accept.ephemeralKey(), 32), MINER.hotkey());
    assertThat(expected).hasSize(64);
    assertThat(validatorSide.attestation().reportData()).isEqualTo(expected);
    assertThat(validatorSide.attestation().quote()).isEqualTo(ECHO.quote(expected));
    assertThat(minerSide.attestation().quote()).isEqualTo(validatorSide.attestation().quote());

    byte[] sealed = validatorSide.seal("/v1/chat/completions", "the prompt".getBytes(
        StandardCharsets.UTF_8));
    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("prompt");
    assertThat(minerSide.open("/v1/chat/completions", sealed)).asString(StandardCharsets.UTF_8)
        .isEqualTo("the prompt");
    assertThatThrownBy(() -> minerSide.open("/v1/completions", sealed))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("does not open");
    byte[] flipped = Arrays.copyOf(sealed, sealed.length);
    flipped[20] ^= 1;
    assertThatThrownBy(() -> minerSide.open("/v1/chat/completions", flipped))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void aMinerInNoTee_answersWithoutAQuote_andItsSessionIsNotAttested() {
    Handshake handshake = fixture.initiator.start(MINER.hotkey(), true);
    Session session = handshake.complete(fixture.responder.accept(handshake.hello()));
    assertThat(session.attestation()).isNull();
    assertThatThrownBy(() -> session.seal("/v1/embeddings", new byte[1]))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theQuoteIsSignedIntoTheAccept_andNoOneCanSwapIt() {
    fixture.responder.attestWith(ECHO);
    Handshake handshake = fixture.initiator.start(MINER.hotkey(), true);
    SessionAccept accept = fixture.responder.accept(handshake.hello());
    SessionAccept swapped = new SessionAccept(accept.validator(), accept.miner(),
        accept.ephemeralKey(), accept.sessionId(), accept.expiresAt(), accept.signature(),
        Codec.b64("another quote".getBytes(StandardCharsets.US_ASCII)));
    assertThatThrownBy(() -> handshake.complete(swapped)).isInstanceOf(ProtocolException.class)
        .extracting(e -> ((ProtocolException) e).reason()).isEqualTo(RejectReason.BAD_SIGNATURE);
    SessionAccept stripped = new SessionAccept(accept.validator(), accept.miner(),
        accept.ephemeralKey(), accept.sessionId(), accept.expiresAt(), accept.signature());
    assertThatThrownBy(() -> handshake.complete(stripped))
        .extracting(e -> ((ProtocolException) e).reason()).isEqualTo(RejectReason.BAD_SIGNATURE);
    assertThat(handshake.complete(accept).attestation()).isNotNull();
  }

  @Test
  void aHelloWithoutAttestation_isSignedAsBefore_andAQuoteNobodyAskedForIsRefused() {
    fixture.responder.attestWith(ECHO);
    Handshake plain = fixture.initiator.start(MINER.hotkey());
    assertThat(plain.hello().attestationNonce()).isNull();
    SessionAccept accept = fixture.responder.accept(plain.hello());
    assertThat(accept.quote()).isNull();
    SessionAccept withQuote = new SessionAccept(accept.validator(), accept.miner(),
        accept.ephemeralKey(), accept.sessionId(), accept.expiresAt(), accept.signature(),
        Codec.b64(new byte[8]));
    assertThatThrownBy(() -> plain.complete(withQuote))
        .extracting(e -> ((ProtocolException) e).reason()).isEqualTo(RejectReason.MALFORMED);
    assertThat(plain.complete(accept).attestation()).isNull();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
