package io.assay.protocol;

import static io.assay.protocol.SessionHandshakeTest.assertRejected;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RequestAuthenticatorTest {

  private static final String PATH = "/v1/embeddings?task=embeddings%2Fminilm";
  private static final byte[] BODY = "{\"input\":\"hello\"}".getBytes(UTF_8);
  private static final byte[] ANSWER = "{\"data\":[]}".getBytes(UTF_8);

  private final ProtocolFixture fixture = new ProtocolFixture();
  private final Session session = fixture.openSession();

  @Test
  void signedRequest_verifiesAndGivesTheSameDigestOnBothSides() {
    SignedRequest request = session.sign("POST", PATH, BODY);

    AuthenticatedRequest verified = fixture.verify("POST", PATH, request, BODY);

    assertThat(verified.session().id()).isEqualTo(session.id());
    assertThat(verified.session().validator()).isEqualTo(ProtocolFixture.VALIDATOR.hotkey());
    assertThat(verified.digest()).hasSize(32).isEqualTo(request.digest());
    assertThat(request.headers()).containsOnlyKeys(ProtocolHeaders.SESSION,
        ProtocolHeaders.NONCE, ProtocolHeaders.TIMESTAMP, ProtocolHeaders.MAC);
    assertThat(request.headers().get(ProtocolHeaders.TIMESTAMP))
        .isEqualTo(Long.toString(fixture.validatorClock.millis()));
    assertThat(request.headers().get(ProtocolHeaders.NONCE)).hasSize(22);
  }

  @Test
  void headerLookup_isWhateverTheCallerMakesIt_caseInsensitiveIncluded() {
    SignedRequest request = session.sign("post", PATH, BODY);
    Map<String, String> lowerCased = new HashMap<>();
    request.headers().forEach((k, v) -> lowerCased.put(k.toLowerCase(Locale.ROOT), v));
    TreeMap<String, String> insensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    insensitive.putAll(lowerCased);

    assertThat(fixture.authenticator.verify("POST", PATH, insensitive::get, BODY)).isNotNull();
  }

  @Test
  void emptyAndNullBodies_areTheSame() {
    SignedRequest request = session.sign("GET", "/capacity", null);

    assertThat(fixture.verify("GET", "/capacity", request, new byte[0])).isNotNull();
  }

  @Test
  void tamperedBody_isRejectedAsBadMac() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    byte[] tampered = "{\"input\":\"hellO\"}".getBytes(UTF_8);

    assertRejected(() -> fixture.verify("POST", PATH, request, tampered), RejectReason.BAD_MAC);
  }

  @Test
  void tamperedPath_isRejectedAsBadMac() {
    SignedRequest request = session.sign("POST", PATH, BODY);

    assertRejected(() -> fixture.verify("POST", "/v1/chat/completions", request, BODY),
        RejectReason.BAD_MAC);
    assertRejected(() -> fixture.verify("POST", PATH + "&x=1", request, BODY),
        RejectReason.BAD_MAC);
  }

  @Test
  void tamperedMethod_isRejectedAsBadMac() {
    SignedRequest request = session.sign("POST", PATH, BODY);

    assertRejected(() -> fixture.verify("PUT", PATH, request, BODY), RejectReason.BAD_MAC);
  }

  @Test
  void macFromAnotherSession_isRejectedAsBadMac() {
    Session other = fixture.openSession();
    SignedRequest request = other.sign("POST", PATH, BODY);
    Map<String, String> headers = new HashMap<>(request.headers());
    headers.put(ProtocolHeaders.SESSION, session.id());

    assertRejected(() -> fixture.authenticator.verify("POST", PATH, headers::get, BODY),
        RejectReason.BAD_MAC);
  }

  @Test
  void tamperedTimestamp_isRejectedAsBadMac() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    Map<String, String> headers = new HashMap<>(request.headers());
    headers.put(ProtocolHeaders.TIMESTAMP,
        Long.toString(Long.parseLong(headers.get(ProtocolHeaders.TIMESTAMP)) + 1));

    assertRejected(() -> fixture.authenticator.verify("POST", PATH, headers::get, BODY),
        RejectReason.BAD_MAC);
  }

  @Test
  void replayedRequest_isRejectedAsReplayedNonce() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    fixture.verify("POST", PATH, request, BODY);

    assertRejected(() -> fixture.verify("POST", PATH, request, BODY),
        RejectReason.REPLAYED_NONCE);
  }

  @Test
  void forgedRequest_doesNotBurnTheNonceOfTheGenuineOne() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    Map<String, String> forged = new HashMap<>(request.headers());
    forged.put(ProtocolHeaders.MAC, Codec.b64(new byte[32]));

    assertRejected(() -> fixture.authenticator.verify("POST", PATH, forged::get, BODY),
        RejectReason.BAD_MAC);
    assertThat(fixture.verify("POST", PATH, request, BODY)).isNotNull();
  }

  @Test
  void staleRequest_isRejectedAsStaleTimestamp() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    fixture.minerClock.advance(ProtocolFixture.WINDOW.plusMillis(1));

    assertRejected(() -> fixture.verify("POST", PATH, request, BODY),
        RejectReason.STALE_TIMESTAMP);
  }

  @Test
  void requestFromTooFarInTheFuture_isRejectedAsStaleTimestamp() {
    fixture.validatorClock.advance(ProtocolFixture.WINDOW.plusMillis(1));
    SignedRequest request = session.sign("POST", PATH, BODY);

    assertRejected(() -> fixture.verify("POST", PATH, request, BODY),
        RejectReason.STALE_TIMESTAMP);
  }

  @Test
  void replayFromTheFuture_isStillRememberedAfterTheWindowHasPassedArrival() {
    fixture.validatorClock.advance(ProtocolFixture.WINDOW);
    SignedRequest request = session.sign("POST", PATH, BODY);
    fixture.verify("POST", PATH, request, BODY);

    fixture.minerClock.advance(ProtocolFixture.WINDOW.multipliedBy(2));

    assertRejected(() -> fixture.verify("POST", PATH, request, BODY),
        RejectReason.REPLAYED_NONCE);
  }

  @Test
  void requestInAnUnknownSession_isRejectedAsUnknownSession() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    Map<String, String> headers = new HashMap<>(request.headers());
    headers.put(ProtocolHeaders.SESSION, Codec.randomToken());

    assertRejected(() -> fixture.authenticator.verify("POST", PATH, headers::get, BODY),
        RejectReason.UNKNOWN_SESSION);
  }

  @Test
  void requestInAnExpiredSession_isRejectedAsExpiredSession() {
    fixture.advance(ProtocolFixture.SESSION_TTL);
    SignedRequest request = session.sign("POST", PATH, BODY);

    assertRejected(() -> fixture.verify("POST", PATH, request, BODY),
        RejectReason.EXPIRED_SESSION);
  }

  @Test
  void missingHeaders_areRejectedAsMalformedNamingTheHeader() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    for (String name : request.headers().keySet()) {
      Map<String, String> headers = new HashMap<>(request.headers());
      headers.remove(name);

      assertRejected(() -> fixture.authenticator.verify("POST", PATH, headers::get, BODY),
          RejectReason.MALFORMED).hasMessageContaining(name);
    }
  }

  @Test
  void malformedHeaderValues_areRejectedAsMalformed() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    Map<String, String> bad = Map.of(
        ProtocolHeaders.SESSION, "x".repeat(5000),
        ProtocolHeaders.NONCE, "short",
        ProtocolHeaders.TIMESTAMP, "-5",
        ProtocolHeaders.MAC, "not base64!");
    bad.forEach((name, value) -> {
      Map<String, String> headers = new HashMap<>(request.headers());
      headers.put(name, value);

      assertRejected(() -> fixture.authenticator.verify("POST", PATH, headers::get, BODY),
          RejectReason.MALFORMED).hasMessageContaining(name);
    });
  }

  @Test
  void genuineReceipt_matchesOnTheValidatorSide() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    AuthenticatedRequest verified = fixture.verify("POST", PATH, request, BODY);

    String receipt = verified.receipt(ANSWER);

    assertThat(receipt).hasSize(43);
    assertThat(request.receiptMatches(receipt, ANSWER)).isTrue();
    assertThat(request.receiptMatchesDigest(receipt, Codec.sha256(ANSWER))).isTrue();
    assertThat(verified.receiptForDigest(Codec.sha256(ANSWER))).isEqualTo(receipt);
  }

  @Test
  void receiptForATamperedBody_doesNotMatch() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    String receipt = fixture.verify("POST", PATH, request, BODY).receipt(ANSWER);

    assertThat(request.receiptMatches(receipt, "{\"data\":[1]}".getBytes(UTF_8))).isFalse();
  }

  @Test
  void tamperedOrMalformedReceipt_doesNotMatch() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    String receipt = fixture.verify("POST", PATH, request, BODY).receipt(ANSWER);
    char last = receipt.charAt(receipt.length() - 1);
    String tampered = receipt.substring(0, receipt.length() - 1) + (last == 'A' ? 'E' : 'A');

    assertThat(request.receiptMatches(tampered, ANSWER)).isFalse();
    assertThat(request.receiptMatches(null, ANSWER)).isFalse();
    assertThat(request.receiptMatches("garbage", ANSWER)).isFalse();
    assertThat(request.receiptMatchesDigest(receipt, new byte[7])).isFalse();
  }

  @Test
  void receiptForAnotherRequest_doesNotMatch() {
    SignedRequest first = session.sign("POST", PATH, BODY);
    SignedRequest second = session.sign("POST", PATH, BODY);
    String receiptOfFirst = fixture.verify("POST", PATH, first, BODY).receipt(ANSWER);

    assertThat(second.receiptMatches(receiptOfFirst, ANSWER)).isFalse();
  }

  @Test
  void receiptForDigest_refusesADigestThatIsNot32Bytes() {
    SignedRequest request = session.sign("POST", PATH, BODY);
    AuthenticatedRequest verified = fixture.verify("POST", PATH, request, BODY);

    assertThatThrownBy(() -> verified.receiptForDigest(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sign_refusesAPathWithALineBreak() {
    assertThatThrownBy(() -> session.sign("GET", "/a\n/b", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fullNonceMemory_refusesNewRequestsUntilOldNoncesAgeOut() {
    RequestAuthenticator tiny = new RequestAuthenticator(fixture.responder, fixture.minerClock,
        ProtocolFixture.WINDOW, 2);
    Function<SignedRequest, AuthenticatedRequest> verify =
        request -> tiny.verify("GET", "/capacity", request.headers()::get, null);
    verify.apply(session.sign("GET", "/capacity", null));
    verify.apply(session.sign("GET", "/capacity", null));

    assertRejected(() -> verify.apply(session.sign("GET", "/capacity", null)),
        RejectReason.REPLAYED_NONCE).hasMessageContaining("cannot remember");

    fixture.advance(ProtocolFixture.WINDOW.multipliedBy(2).plus(Duration.ofMillis(1)));
    assertThat(verify.apply(session.sign("GET", "/capacity", null))).isNotNull();
  }
}
