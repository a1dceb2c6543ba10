package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.protocol.Handshake;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import io.assay.protocol.ProtocolHeaders;
import io.assay.protocol.Session;
import io.assay.protocol.SessionAccept;
import io.assay.protocol.SessionHello;
import io.assay.protocol.SessionInitiator;
import io.assay.protocol.SignedRequest;
import io.assay.task.Json;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real miner on loopback, spoken to over HTTP with the protocol classes, as a validator would. */
class MinerProtocolIntegrationTest {

  private final Identity validator = Identity.generate();
  private final Identity minerIdentity = Identity.generate();
  // HTTP/1.1, as validators speak to miners: the JDK client would otherwise try an h2c upgrade
  // and keep an HTTP/2 connection that a restarted miner on a reused port answers with GOAWAY.
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicReference<Instant> minerNow = new AtomicReference<>(Instant.now());
  private final Clock minerClock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return minerNow.get();
    }
  };
  private Miner miner;

  @AfterEach
  void stop() {
    if (miner != null) {
      miner.close();
    }
  }

  private void startMiner(long capacity, int concurrency, io.assay.task.Backend backend) {
    startMiner(capacity, concurrency, backend, b -> { });
  }

  private void startMiner(long capacity, int concurrency, io.assay.task.Backend backend,
      java.util.function.Consumer<Miner.Builder> more) {
    EchoKind kind = new EchoKind();
    Miner.Builder builder = Miner.builder()
        .name("test-miner")
        .identity(minerIdentity)
        .acceptValidators(validator.hotkey()::equals)
        .clock(minerClock)
        .offer(new TaskOffer(kind, new TaskSpec("echo", "echo-1", capacity, 1), backend, capacity,
            concurrency));
    more.accept(builder);
    miner = builder.build();
    miner.start().toCompletableFuture().join();
  }

  private void startMiner() {
    startMiner(1_000, 4, EchoKind.backend(CompletableFuture::completedFuture));
  }

  @Test
  void signedRequest_isAnsweredWithAMatchingReceipt() throws Exception {
    startMiner();
    Session session = openSession(validator, minerIdentity.hotkey());
    byte[] body = EchoKind.body("echo-1", "hello");
    SignedRequest signed = session.sign("POST", "/v1/echo", body);
    HttpResponse<byte[]> response = send("POST", "/v1/echo", body, signed.headers());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body())).contains("hello");
    String receipt = response.headers().firstValue(ProtocolHeaders.RECEIPT).orElseThrow();
    assertThat(signed.receiptMatches(receipt, response.body())).isTrue();
    assertThat(signed.receiptMatches(receipt, "{\"text\":\"hellO\"}".getBytes())).isFalse();
  }

  @Test
  void forgedHelloSignature_isRejectedAsBadSignature() throws Exception {
    startMiner();
    SessionHello hello = new SessionInitiator(validator, Clock.systemUTC())
        .start(minerIdentity.hotkey()).hello();
    SessionHello other = new SessionInitiator(validator, Clock.systemUTC())
        .start(minerIdentity.hotkey()).hello();
    SessionHello forged = new SessionHello(hello.validator(), hello.miner(), hello.ephemeralKey(),
        hello.nonce(), hello.timestamp(), other.signature());
    assertRejected(postHello(forged), 401, "bad_signature");
  }

  @Test
  void replayedHello_isRejectedAsReplayedNonce() throws Exception {
    startMiner();
    SessionHello hello = new SessionInitiator(validator, Clock.systemUTC())
        .start(minerIdentity.hotkey()).hello();
    assertThat(postHello(hello).statusCode()).isEqualTo(200);
    assertRejected(postHello(hello), 401, "replayed_nonce");
  }

  @Test
  void helloWithStaleTimestamp_isRejected() throws Exception {
    startMiner();
    minerNow.set(Instant.now().plus(Duration.ofMinutes(10)));
    SessionHello hello = new SessionInitiator(validator, Clock.systemUTC())
        .start(minerIdentity.hotkey()).hello();
    assertRejected(postHello(hello), 401, "stale_timestamp");
  }

  @Test
  void helloForAnotherMiner_isRejectedAsWrongReceiver() throws Exception {
    startMiner();
    SessionHello hello = new SessionInitiator(validator, Clock.systemUTC())
        .start(Identity.generate().hotkey()).hello();
    assertRejected(postHello(hello), 403, "wrong_receiver");
  }

  @Test
  void helloFromUnknownValidator_isRejected() throws Exception {
    startMiner();
    SessionHello hello = new SessionInitiator(Identity.generate(), Clock.systemUTC())
        .start(minerIdentity.hotkey()).hello();
    assertRejected(postHello(hello), 403, "unknown_validator");
  }

  @Test
  void replayedRequest_isRejectedAsReplayedNonce() throws Exception {
    startMiner();
    Session session = openSession(validator, minerIdentity.hotkey());
    byte[] body = EchoKind.body("echo-1", "hello");
    Map<String, String> headers = session.sign("POST", "/v1/echo", body).headers();
    assertThat(send("POST", "/v1/echo", body, headers).statusCode()).isEqualTo(200);
    assertRejected(send("POST", "/v1/echo", body, headers), 401, "replayed_nonce");
  }

  @Test
  void tamperedBody_isRejectedAsBadMac() throws Exception {
    startMiner();
    Session session = openSession(validator, minerIdentity.hotkey());
    Map<String, String> headers =
        session.sign("POST", "/v1/echo", EchoKind.body("echo-1", "hello")).headers();
    assertRejected(send("POST", "/v1/echo", EchoKind.body("echo-1", "HELLO"), headers), 401,
        "bad_mac");
  }

  @Test
  void requestWithStaleTimestamp_isRejected() throws Exception {
    startMiner();
    Session session = openSession(validator, minerIdentity.hotkey());
    byte[] body = EchoKind.body("echo-1", "hello");
    Map<String, String> headers = session.sign("POST", "/v1/echo", body).headers();
    minerNow.set(Instant.now().plus(Duration.ofMinutes(2)));
    assertRejected(send("POST", "/v1/echo", body, headers), 401, "stale_timestamp");
  }

  @Test
  void unknownSession_isRejected() throws Exception {
    startMiner();
    Session session = openSession(validator, minerIdentity.hotkey());
    miner.close();
    miner = null;
    startMiner();
    byte[] body = EchoKind.body("echo-1", "hello");
    assertRejected(send("POST", "/v1/echo", body, session.sign("POST", "/v1/echo", body)
        .headers()), 401, "unknown_session");
  }

  @Test
  void aSessionIdOfOneValidator_cannotBeUsedByAnother() throws Exception {
    Identity other = Identity.generate();
    startMiner(1_000, 4, EchoKind.backend(CompletableFuture::completedFuture),
        b -> b.acceptValidators(h -> true));
    Session mine = openSession(validator, minerIdentity.hotkey());
    Session theirs = openSession(other, minerIdentity.hotkey());
    byte[] body = EchoKind.body("echo-1", "hello");
    Map<String, String> headers = new java.util.HashMap<>(
        theirs.sign("POST", "/v1/echo", body).headers());
    headers.put(ProtocolHeaders.SESSION, mine.sign("POST", "/v1/echo", body).headers()
        .get(ProtocolHeaders.SESSION));

    assertRejected(send("POST", "/v1/echo", body, headers), 401, "bad_mac");
  }

  @Test
  void receiptRoots_coverOnlyTheAskingValidatorsReceipts_ofThePeriodAsked() throws Exception {
    Identity other = Identity.generate();
    startMiner(1_000, 4, EchoKind.backend(CompletableFuture::completedFuture),
        b -> b.acceptValidators(h -> true).periodLength(Duration.ofMinutes(10)));
    Session mine = openSession(validator, minerIdentity.hotkey());
    Session theirs = openSession(other, minerIdentity.hotkey());
    java.util.List<String> myReceipts = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] body = EchoKind.body("echo-1", "mine " + i);
      HttpResponse<byte[]> r = send("POST", "/v1/echo", body,
          mine.sign("POST", "/v1/echo", body).headers());
      myReceipts.add(r.headers().firstValue(ProtocolHeaders.RECEIPT).orElseThrow());
    }
    byte[] theirBody = EchoKind.body("echo-1", "theirs");
    assertThat(send("POST", "/v1/echo", theirBody,
        theirs.sign("POST", "/v1/echo", theirBody).headers()).statusCode()).isEqualTo(200);
    long period = Math.floorDiv(minerNow.get().toEpochMilli(), Duration.ofMinutes(10).toMillis());

    io.assay.protocol.SignedReceiptRoot root = Json.MAPPER.readValue(
        rootOf(mine, "{\"period\":" + period + "}").body(),
        io.assay.protocol.SignedReceiptRoot.class);
    assertThat(io.assay.protocol.SignedReceiptRoot.verify(root, minerIdentity.hotkey(),
        validator.hotkey(), period, myReceipts)).isTrue();
    io.assay.protocol.SignedReceiptRoot theirRoot = Json.MAPPER.readValue(
        rootOf(theirs, "{\"period\":" + period + "}").body(),
        io.assay.protocol.SignedReceiptRoot.class);
    assertThat(theirRoot.count()).isEqualTo(1);
    assertThat(theirRoot.validator()).isEqualTo(other.hotkey().value());

    assertRejected(rootOf(mine, "{\"period\":" + (period - 5) + "}"), 404, "period_not_kept");
    assertRejected(rootOf(mine, "{\"period\":" + (period + 1) + "}"), 404, "period_not_kept");
    assertRejected(rootOf(mine, "{\"period\":\"now\"}"), 400, "invalid_request");
  }

  private HttpResponse<byte[]> rootOf(Session session, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return send("POST", "/receipts/root", body,
        session.sign("POST", "/receipts/root", body).headers());
  }

  @Test
  void capacity_isDeclaredPerTask() throws Exception {
    startMiner();
    Session session = openSession(validator, minerIdentity.hotkey());
    HttpResponse<byte[]> response =
        send("GET", "/capacity", new byte[0], session.sign("GET", "/capacity", new byte[0])
            .headers());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode task = Json.MAPPER.readTree(response.body()).path("tasks").path("echo/echo-1");
    assertThat(task.path("volume").asLong()).isEqualTo(1_000);
    assertThat(task.path("unit").asText()).isEqualTo("characters");
  }

  @Test
  void requestBeyondDeclaredCapacity_gets429WithRetryAfter() throws Exception {
    startMiner(10, 4, EchoKind.backend(CompletableFuture::completedFuture));
    Session session = openSession(validator, minerIdentity.hotkey());
    byte[] body = EchoKind.body("echo-1", "12345678");
    assertThat(send("POST", "/v1/echo", body, session.sign("POST", "/v1/echo", body).headers())
        .statusCode()).isEqualTo(200);
    HttpResponse<byte[]> full =
        send("POST", "/v1/echo", body, session.sign("POST", "/v1/echo", body).headers());
    assertThat(full.statusCode()).isEqualTo(429);
    assertThat(full.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void busyBackend_isShedWith429_andABrokenOneIs502() throws Exception {
    io.assay.task.TaskException busy = new io.assay.task.TaskException("queue full") {
      @Override
      public boolean busy() {
        return true;
      }
    };
    startMiner(1_000, 4, EchoKind.backend(text -> text.equals("busy")
        ? CompletableFuture.failedFuture(busy)
        : CompletableFuture.failedFuture(new io.assay.task.TaskException("broken"))));
    Session session = openSession(validator, minerIdentity.hotkey());
    byte[] shed = EchoKind.body("echo-1", "busy");
    HttpResponse<byte[]> full =
        send("POST", "/v1/echo", shed, session.sign("POST", "/v1/echo", shed).headers());
    assertThat(full.statusCode()).isEqualTo(429);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
    byte[] broken = EchoKind.body("echo-1", "other");
    assertThat(send("POST", "/v1/echo", broken,
        session.sign("POST", "/v1/echo", broken).headers()).statusCode()).isEqualTo(502);
  }

  @Test
  void requestBeyondConcurrency_gets429() throws Exception {
    CompletableFuture<String> held = new CompletableFuture<>();
    startMiner(1_000, 1, EchoKind.backend(text -> held));
    Session session = openSession(validator, minerIdentity.hotkey());
    byte[] body = EchoKind.body("echo-1", "a");
    CompletableFuture<HttpResponse<byte[]>> first = sendAsync("POST", "/v1/echo", body,
        session.sign("POST", "/v1/echo", body).headers());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      HttpResponse<byte[]> second =
          send("POST", "/v1/echo", body, session.sign("POST", "/v1/echo", body).headers());
      return second.statusCode() == 429 && second.headers().firstValue("Retry-After").isPresent();
    });
    held.complete("a");
    assertThat(first.get().statusCode()).isEqualTo(200);
  }

  @Test
  void keepAlives_areSseCommentsBetweenChunks_coveredByTheReceipt() throws Exception {
    startMiner(1_000, 4, new io.assay.task.Backend() {
      @Override
      public java.util.concurrent.CompletionStage<io.assay.task.TaskAnswer> serve(
          io.assay.task.TaskRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public java.util.concurrent.CompletionStage<io.assay.task.TaskAnswer> stream(
          io.assay.task.TaskRequest request, io.assay.task.ChunkSink sink) {
        sink.chunk("{\"text\":\"a\"}".getBytes(StandardCharsets.UTF_8));
        sink.keepAlive();
        sink.chunk("{\"text\":\"b\"}".getBytes(StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(new EchoKind.EchoAnswer("ab"));
      }
    });
    Session session = openSession(validator, minerIdentity.hotkey());
    byte[] body = EchoKind.streamBody("echo-1", "ab");
    SignedRequest signed = session.sign("POST", "/v1/echo", body);

    HttpResponse<byte[]> response = send("POST", "/v1/echo", body, signed.headers());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    String text = new String(response.body(), StandardCharsets.UTF_8);
    String streamed = "data: {\"text\":\"a\"}\n\n: keep-alive\n\ndata: {\"text\":\"b\"}\n\n";
    assertThat(text).startsWith(streamed + "event: receipt\ndata: ").endsWith("data: [DONE]\n\n");
    String receipt = text.substring((streamed + "event: receipt\ndata: ").length(),
        text.indexOf("\n\ndata: [DONE]"));
    assertThat(signed.receiptMatches(receipt, streamed.getBytes(StandardCharsets.UTF_8)))
        .isTrue();
    String withoutKeepAlive = "data: {\"text\":\"a\"}\n\ndata: {\"text\":\"b\"}\n\n";
    assertThat(signed.receiptMatches(receipt, withoutKeepAlive.getBytes(StandardCharsets.UTF_8)))
        .isFalse();
  }

  @Test
  void declarationPolicy_seesEachPollsPlaceInItsPeriod_andNoDeclarationIs503()
      throws Exception {
    Duration period = Duration.ofSeconds(10);
    long start = Instant.now().toEpochMilli() / 10_000 * 10_000;
    minerNow.set(Instant.ofEpochMilli(start + 2_000));
    java.util.List<DeclarationPolicy.Poll> polls =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    startMiner(1_000, 4, EchoKind.backend(CompletableFuture::completedFuture), b -> b
        .periodLength(period)
        .declarationPolicy((honest, poll) -> {
          polls.add(poll);
          return poll.index() == 0 ? honest : null;
        }));
    Session session = openSession(validator, minerIdentity.hotkey());

    HttpResponse<byte[]> first = poll(session);
    minerNow.set(Instant.ofEpochMilli(start + 3_500));
    HttpResponse<byte[]> second = poll(session);
    minerNow.set(Instant.ofEpochMilli(start + 10_250));
    HttpResponse<byte[]> nextPeriod = poll(session);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(first.body()).path("tasks").path("echo/echo-1")
        .path("volume").asLong()).isEqualTo(1_000);
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue(ProtocolHeaders.RECEIPT)).isPresent();
    assertThat(Json.MAPPER.readTree(second.body()).path("error").path("code").asText())
        .isEqualTo("unavailable");
    assertThat(nextPeriod.statusCode()).isEqualTo(200);
    long p = start / 10_000;
    assertThat(polls).containsExactly(
        new DeclarationPolicy.Poll(p, 0, Duration.ofMillis(2_000), period),
        new DeclarationPolicy.Poll(p, 1, Duration.ofMillis(3_500), period),
        new DeclarationPolicy.Poll(p + 1, 0, Duration.ofMillis(250), period));
  }

  @Test
  void aLateMiner_answers503InTheFirstTenthOfAPeriod_thenDeclares() throws Exception {
    long start = Instant.now().toEpochMilli() / 10_000 * 10_000;
    minerNow.set(Instant.ofEpochMilli(start + 500));
    startMiner(1_000, 4, EchoKind.backend(CompletableFuture::completedFuture), b -> b
        .periodLength(Duration.ofSeconds(10))
        .declarationPolicy(io.assay.miner.sim.DeclarationPolicies.of(
            io.assay.miner.sim.Behaviour.LATE)));
    Session session = openSession(validator, minerIdentity.hotkey());

    assertThat(poll(session).statusCode()).isEqualTo(503);
    minerNow.set(Instant.ofEpochMilli(start + 999));
    assertThat(poll(session).statusCode()).isEqualTo(503);
    minerNow.set(Instant.ofEpochMilli(start + 1_000));
    assertThat(poll(session).statusCode()).isEqualTo(200);
  }

  @Test
  void chunkedHelloOverItsLimit_isRefusedBeforeItEnds() throws Exception {
    startMiner();
    // Twice the hello limit, in chunks, and never the last chunk: only a miner that counts the
    // bytes as they come can answer.
    String reply = unfinishedChunkedPost("/session", Map.of(), 2 * MinerServer.MAX_HELLO_BYTES);
    assertThat(reply).startsWith("HTTP/1.1 413").contains("request_too_large");
  }

  @Test
  void chunkedRequestWithoutProtocolHeaders_isRefusedOnItsHeaders() throws Exception {
    startMiner();
    String reply = unfinishedChunkedPost("/v1/echo", Map.of(), 1024);
    assertThat(reply).startsWith("HTTP/1.1 400").contains("malformed", "missing header");
  }

  @Test
  void chunkedSignedRequestOverTheBodyLimit_isRefusedBeforeItEnds() throws Exception {
    startMiner(1_000, 4, EchoKind.backend(CompletableFuture::completedFuture),
        b -> b.maxBodyBytes(4096));
    Session session = openSession(validator, minerIdentity.hotkey());
    SignedRequest signed = session.sign("POST", "/v1/echo", new byte[16_384]);
    String reply = unfinishedChunkedPost("/v1/echo", signed.headers(), 16_384);
    assertThat(reply).startsWith("HTTP/1.1 413").contains("body exceeds 4096 bytes");
  }

  /**
   * POSTs {@code bytes} as chunks of 1 KiB without the terminating chunk, then reads what the
   * miner answers (with a deadline): the response head and body as text.
   */
  private String unfinishedChunkedPost(String path, Map<String, String> headers, int bytes)
      throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", miner.port())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: miner\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try {
        for (int sent = 0; sent < bytes; sent += chunk.length) {
          out.write("400\r\n".getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
      } catch (java.io.IOException closedByTheMiner) {
        // The miner may answer and close while the body is still going out.
      }
      // Until the miner closes the connection, as it must after refusing an unread body.
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<byte[]> poll(Session session) throws Exception {
    return send("GET", "/capacity", new byte[0],
        session.sign("GET", "/capacity", new byte[0]).headers());
  }

  private Session openSession(Identity who, Hotkey target) throws Exception {
    Handshake handshake = new SessionInitiator(who, Clock.systemUTC()).start(target);
    HttpResponse<byte[]> response = postHello(handshake.hello());
    assertThat(response.statusCode()).isEqualTo(200);
    return handshake.complete(Json.MAPPER.readValue(response.body(), SessionAccept.class));
  }

  private HttpResponse<byte[]> postHello(SessionHello hello) throws Exception {
    return send("POST", "/session", Json.MAPPER.writeValueAsBytes(hello), Map.of());
  }

  private HttpResponse<byte[]> send(String method, String path, byte[] body,
      Map<String, String> headers) throws Exception {
    return sendAsync(method, path, body, headers).get();
  }

  private CompletableFuture<HttpResponse<byte[]>> sendAsync(String method, String path,
      byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + miner.port() + path))
        .method(method, body.length == 0 && method.equals("GET")
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void assertRejected(HttpResponse<byte[]> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
  }
}
