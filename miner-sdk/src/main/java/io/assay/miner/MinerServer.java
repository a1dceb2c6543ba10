package io.assay.miner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.metrics.Exposition;
import io.assay.metrics.MetricsAccess;
import io.assay.protocol.AttestedBodies;
import io.assay.protocol.AuthenticatedRequest;
import io.assay.protocol.Hotkey;
import io.assay.protocol.ProtocolException;
import io.assay.protocol.ProtocolHeaders;
import io.assay.protocol.ReceiptLog;
import io.assay.protocol.RejectReason;
import io.assay.protocol.RequestAuthenticator;
import io.assay.protocol.SessionAccept;
import io.assay.protocol.SessionHello;
import io.assay.protocol.SessionResponder;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's HTTP side, on Vert.x (kept out of the SDK's public API).
 *
 * <p>Every handler runs on the server's event loop and does only cheap work there: protocol
 * checks (HMAC), request parsing and capacity accounting. Answers come from {@link
 * io.assay.task.Backend#serve}, which runs on the backend's own executor, and re-enter the loop
 * through {@link Future#fromCompletionStage}.
 */
final class MinerServer implements Miner {

  private static final Logger log = LoggerFactory.getLogger(MinerServer.class);

  private final String name;
  private final io.assay.protocol.Identity identity;
  private final String host;
  private final int requestedPort;
  private final int maxBodyBytes;
  /** Whether this miner runs in a TEE and quotes the sessions that ask for it. */
  private final boolean attesting;
  /** A session hello is a few hundred bytes; anyone may send one, so it gets a small limit. */
  static final int MAX_HELLO_BYTES = 64 * 1024;
  private final SessionResponder sessions;
  private final RequestAuthenticator authenticator;
  private final Map<String, TaskKind> kindsByPath = new HashMap<>();
  private final Map<String, ServedTask> tasks = new LinkedHashMap<>();
  private final Map<Hotkey, ReceiptLog> receipts = new ConcurrentHashMap<>();
  private final java.time.Duration periodLength;
  private final int keptPeriods;
  private final java.time.Clock clock;
  private final CapacityAnswers capacity;
  private final MinerMetrics metrics;
  private final String metricsToken;
  private volatile Vertx vertx;
  private volatile HttpServer server;

  MinerServer(Builder b) {
    this.name = b.name;
    this.identity = b.identity;
    this.host = b.host;
    this.requestedPort = b.port;
    this.maxBodyBytes = b.maxBodyBytes;
    this.periodLength = b.periodLength;
    // the current period, and enough ended ones to cover the retention
    this.keptPeriods = 2 + (int) Math.min(1_000,
        (b.receiptRetention.toMillis() - 1) / b.periodLength.toMillis());
    this.clock = b.clock;
    this.sessions = new SessionResponder(
        b.identity, b.acceptValidators, b.clock, b.sessionTtl, b.timestampWindow, 10_000);
    this.authenticator = new RequestAuthenticator(sessions, b.clock, b.timestampWindow, 1_000_000);
    this.attesting = b.quoteProvider != null;
    if (attesting) {
      sessions.attestWith(b.quoteProvider);
    }
    for (TaskOffer offer : b.offers) {
      Task task = offer.kind().bind(offer.spec());
      ServedTask previous = tasks.put(offer.spec().id(), new ServedTask(offer, task,
          new CapacityLedger(offer.capacityPerPeriod(), offer.maxConcurrency(), b.periodLength,
              b.clock)));
      if (previous != null) {
        throw new IllegalStateException("miner " + name + " offers " + offer.spec().id() + " twice");
      }
      for (String path : offer.kind().paths()) {
        kindsByPath.put(path, offer.kind());
      }
    }
    this.capacity = new CapacityAnswers(identity.hotkey().value(), tasks, b.periodLength,
        b.clock, b.declarationPolicy);
    this.metrics = new MinerMetrics(tasks);
    this.metricsToken = b.metricsToken;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Hotkey hotkey() {
    return identity.hotkey();
  }

  @Override
  public int port() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("miner " + name + " is not started");
    }
    return s.actualPort();
  }

  @Override
  public CompletionStage<Miner> start() {
    vertx = Vertx.vertx();
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(requestedPort)
        .setIdleTimeout(120)
        .setCompressionSupported(false);
    return vertx.createHttpServer(options)
        .requestHandler(this::handle)
        .listen()
        .map(s -> {
          server = s;
          log.info("miner {} ({}) listening on {}:{} offering {}", name, hotkey(), host,
              s.actualPort(), tasks.keySet());
          return (Miner) this;
        })
        .toCompletionStage();
  }

  @Override
  public CompletionStage<Void> stop() {
    Vertx v = vertx;
    if (v == null) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    vertx = null;
    return v.close().<Void>map(ignored -> {
      tasks.values().forEach(t -> closeQuietly(t.offer()));
      log.info("miner {} stopped", name);
      return null;
    }).toCompletionStage();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    HttpMethod method = request.method();
    if (method == HttpMethod.GET && path.equals("/health")) {
      ObjectNode body = Json.MAPPER.createObjectNode()
          .put("status", "ok").put("name", name).put("hotkey", hotkey().value());
      sendJson(request.response(), 200, body);
      return;
    }
    if (method == HttpMethod.GET && path.equals("/metrics")) {
      metrics(request);
      return;
    }
    boolean hello = method == HttpMethod.POST && path.equals("/session");
    int limit = hello ? MAX_HELLO_BYTES : maxBodyBytes;
    RequestAuthenticator.Prechecked headers = null;
    if (!hello) {
      // Strangers are turned away on their headers alone, before any body is read.
      try {
        headers = authenticator.precheck(method.name(), path, request::getHeader);
      } catch (ProtocolException e) {
        refuseBody(request, e.reason().status(), e.reason().code(), e.getMessage());
        return;
      }
    }
    RequestAuthenticator.Prechecked prechecked = headers;
    String contentLength = request.getHeader("Content-Length");
    if (contentLength != null && parseLong(contentLength) > limit) {
      refuseBody(request, 413, "request_too_large", "body exceeds " + limit + " bytes");
      return;
    }
    // Gathered here, not with request.body(): a chunked body has no length to check up front,
    // so the limit is enforced as the bytes arrive.
    Buffer body = Buffer.buffer();
    boolean[] refused = {false};
    request.handler(chunk -> {
      if (refused[0]) {
        return;
      }
      if ((long) body.length() + chunk.length() > limit) {
        refused[0] = true;
        refuseBody(request, 413, "request_too_large", "body exceeds " + limit + " bytes");
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> {
      if (!refused[0] && !request.response().ended() && !request.response().closed()) {
        refused[0] = true;
        sendError(request.response(), 400, "malformed", "could not read body");
      }
    });
    request.endHandler(v -> {
      if (refused[0]) {
        return;
      }
      try {
        route(request, method, path, body.getBytes(), prechecked);
      } catch (ProtocolException e) {
        sendError(request.response(), e.reason().status(), e.reason().code(), e.getMessage());
      } catch (RuntimeException e) {
        log.warn("miner {}: {} {} failed", name, method, path, e);
        sendError(request.response(), 500, "internal_error", "miner error: " + e.getMessage());
      }
    });
  }

  /**
   * {@code GET /metrics}: the miner's registry, in the format the scraper accepts, for loopback
   * clients or those that send the metrics token. Only reads counters and ledgers, so it runs
   * on the event loop.
   */
  private void metrics(HttpServerRequest request) {
    io.vertx.core.net.SocketAddress from = request.remoteAddress();
    if (!MetricsAccess.allowed(metricsToken, request.getHeader("Authorization"),
        from == null ? null : from.hostAddress())) {
      sendError(request.response(), 403, "forbidden", "/metrics is for loopback clients, or"
          + " for those that send the miner's metrics_token as a bearer token");
      return;
    }
    Exposition.Scrape scrape = Exposition.write(metrics.registry(), request.getHeader("Accept"));
    request.response().putHeader("Content-Type", scrape.contentType())
        .end(Buffer.buffer(scrape.body()));
  }

  /**
   * Answers without reading the body, and closes the connection after the answer: the unread
   * body would otherwise be taken as the next request.
   */
  private static void refuseBody(HttpServerRequest request, int status, String code,
      String message) {
    HttpServerResponse response = request.response();
    response.putHeader("Connection", "close");
    response.endHandler(v -> request.connection().close());
    sendError(response, status, code, message);
  }

  /** @param headers the request's protocol headers, checked before its body; null for a hello */
  private void route(HttpServerRequest request, HttpMethod method, String path, byte[] received,
      RequestAuthenticator.Prechecked headers) {
    HttpServerResponse response = request.response();
    if (headers == null) {
      if (attesting) {
        // A quote takes a TEE's quoting enclave milliseconds: a worker's job; the answer is
        // written back on the event loop.
        vertx.executeBlocking(() -> acceptHello(received), false).onComplete(ar -> {
          if (ar.succeeded()) {
            sendJson(response, 200, Json.MAPPER.valueToTree(ar.result()));
          } else if (ar.cause() instanceof ProtocolException p) {
            sendError(response, p.reason().status(), p.reason().code(), p.getMessage());
          } else {
            log.warn("miner {}: a session hello failed", name, ar.cause());
            sendError(response, 500, "internal_error", "miner error: "
                + ar.cause().getMessage());
          }
        });
        return;
      }
      sendJson(response, 200, Json.MAPPER.valueToTree(acceptHello(received)));
      return;
    }
    AuthenticatedRequest auth = authenticator.verify(headers, received);
    byte[] body;
    if (request.getHeader(AttestedBodies.HEADER) != null) {
      body = unsealed(response, auth, path, received);
      if (body == null) {
        return;
      }
    } else {
      body = received;
    }
    if (method == HttpMethod.GET && path.equals("/capacity")) {
      CapacityDeclaration declaration = capacity.answer();
      if (declaration == null) {
        sendSigned(response, 503, auth, errorBody("unavailable",
            "miner " + name + " declares no capacity now"));
      } else {
        sendSigned(response, 200, auth, Json.MAPPER.valueToTree(declaration));
      }
      return;
    }
    if (method == HttpMethod.POST && path.equals("/receipts/root")) {
      receiptRoot(response, auth, body);
      return;
    }
    TaskKind kind = kindsByPath.get(path);
    if (kind == null || method != HttpMethod.POST) {
      sendSigned(response, 404, auth, errorBody("not_found", "no such endpoint: " + method + " " + path));
      return;
    }
    String contentType = request.getHeader("Content-Type");
    if (!kind.parsesOnWorker(path)) {
      serveTask(response, auth, kind, parse(kind, path, contentType, body));
      return;
    }
    // Parsing decodes pictures (an image edit): a worker's job, not the event loop's.
    vertx.executeBlocking(() -> parse(kind, path, contentType, body), false)
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("miner {}: parsing {} failed", name, path, ar.cause());
            sendSigned(response, 500, auth, errorBody("internal_error",
                "miner error: " + ar.cause().getMessage()));
          } else {
            serveTask(response, auth, kind, ar.result());
          }
        });
  }

  /**
   * A body the validator sealed to this enclave, opened here, inside it; null once the refusal
   * is sent (a session that is not attested, or a body that does not open).
   */
  private byte[] unsealed(HttpServerResponse response, AuthenticatedRequest auth, String path,
      byte[] sealed) {
    if (auth.session().attestation() == null) {
      sendSigned(response, 400, auth, errorBody("not_attested", "a sealed body came over"
          + " session " + auth.session().id() + ", which is not attested"));
      return null;
    }
    try {
      return auth.session().open(path, sealed);
    } catch (ProtocolException e) {
      sendSigned(response, 400, auth, errorBody("bad_seal", e.getMessage()));
      return null;
    }
  }

  /** A parsed request, or the refusal of an invalid one. */
  private record Parsed(TaskRequest request, InvalidRequestException invalid) {}

  private static Parsed parse(TaskKind kind, String path, String contentType, byte[] body) {
    try {
      return new Parsed(kind.parseRequest(path, contentType, body), null);
    } catch (InvalidRequestException e) {
      return new Parsed(null, e);
    }
  }

  /** The accept of a session hello; throws {@link ProtocolException} for a refused one. */
  private SessionAccept acceptHello(byte[] body) {
    SessionHello hello;
    try {
      hello = Json.MAPPER.readValue(body, SessionHello.class);
    } catch (IOException e) {
      throw new ProtocolException(RejectReason.MALFORMED, "session hello is not valid JSON");
    }
    SessionAccept accept;
    try {
      accept = sessions.accept(hello);
    } catch (ProtocolException e) {
      logRefusal(hello.validator(), e);
      throw e;
    }
    return accept;
  }

  /** When each (validator, reason) refusal was last logged: once a minute each, not per hello. */
  private final Map<String, Long> refusalsLogged = new ConcurrentHashMap<>();
  /** At most this many refusal lines a minute in all, whatever strangers send. */
  private static final int MAX_REFUSALS_LOGGED = 20;

  /** Says plainly, once a minute per validator and reason, that a session was refused. */
  private void logRefusal(String validator, ProtocolException e) {
    String who = validator == null ? "(none)"
        : validator.length() > 60 ? validator.substring(0, 60) + "..." : validator;
    String key = who + "/" + e.reason().code();
    long now = clock.millis();
    refusalsLogged.values().removeIf(at -> now - at >= 60_000);
    if (refusalsLogged.containsKey(key) || refusalsLogged.size() >= MAX_REFUSALS_LOGGED) {
      return;
    }
    refusalsLogged.put(key, now);
    log.warn("miner {}: refused a session from validator {}: {} ({}){}", name, who,
        e.reason().code(), e.getMessage(), e.reason() == RejectReason.UNKNOWN_VALIDATOR
            ? "; add its hotkey to accept_validators (or \"*\") to serve it" : "");
  }

  private void serveTask(HttpServerResponse response, AuthenticatedRequest auth, TaskKind kind,
      Parsed parsed) {
    if (parsed.invalid() != null) {
      sendSigned(response, 400, auth, errorBody(parsed.invalid().code(),
          parsed.invalid().getMessage()));
      return;
    }
    TaskRequest taskRequest = parsed.request();
    long units;
    ServedTask served;
    try {
      served = tasks.get(kind.name() + "/" + taskRequest.model());
      if (served == null) {
        sendSigned(response, 404, auth, errorBody("model_not_served",
            "miner " + name + " does not serve " + kind.name() + "/" + taskRequest.model()));
        return;
      }
      units = served.task().estimateUnits(taskRequest);
    } catch (InvalidRequestException e) {
      sendSigned(response, 400, auth, errorBody(e.code(), e.getMessage()));
      return;
    }
    MinerMetrics.TaskSeries series = metrics.task(served.offer().spec().id());
    CapacityLedger.Refusal refusal = served.ledger().tryAdmit(units);
    if (refusal != null) {
      series.refused();
      long retryAfter = refusal == CapacityLedger.Refusal.CAPACITY
          ? Math.max(1, served.ledger().millisToNextPeriod() / 1000)
          : 1;
      response.putHeader("Retry-After", Long.toString(retryAfter));
      sendSigned(response, 429, auth, errorBody("rate_limited",
          "miner " + name + " is " + refusal.words + " for " + served.offer().spec().id()));
      return;
    }
    long admitted = System.nanoTime();
    if (taskRequest.stream()) {
      streamTask(response, auth, served, series, admitted, taskRequest, units);
      return;
    }
    CompletionStage<TaskAnswer> answer;
    try {
      answer = served.offer().backend().serve(taskRequest);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    Future.fromCompletionStage(answer, vertx.getOrCreateContext()).onComplete(ar -> {
      if (ar.failed()) {
        served.ledger().release(units);
        series.ended(backendFailed(response, auth, served, ar.cause()),
            System.nanoTime() - admitted);
        return;
      }
      TaskAnswer result = ar.result();
      long done = served.task().units(taskRequest, result);
      served.ledger().release(Math.max(0, units - done));
      if (response.closed()) {
        // the validator gave up on it: no answer is delivered, so none is filed
        series.ended(MinerMetrics.Outcome.ABANDONED, System.nanoTime() - admitted);
        return;
      }
      byte[] out = result.toMinerBody();
      String receipt = auth.receipt(out);
      logReceipt(auth, receipt);
      response.putHeader(ProtocolHeaders.RECEIPT, receipt);
      response.putHeader("Content-Type", "application/json");
      response.setStatusCode(200).end(Buffer.buffer(out));
      series.ended(MinerMetrics.Outcome.ANSWERED, System.nanoTime() - admitted);
    });
  }

  /**
   * Streams an answer as server-sent events through an {@link SseSink}: chunks and keep-alives
   * as the backend sends them, then the receipt and {@code [DONE]}. A backend that fails before
   * anything was streamed gets a plain error answer; one that fails later ends the stream with an
   * error event.
   */
  private void streamTask(HttpServerResponse response, AuthenticatedRequest auth,
      ServedTask served, MinerMetrics.TaskSeries series, long admitted, TaskRequest taskRequest,
      long units) {
    SseSink sink = new SseSink(response, vertx.getOrCreateContext());
    CompletionStage<TaskAnswer> answer;
    try {
      answer = served.offer().backend().stream(taskRequest, sink);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    // Completion is queued on the context like the chunks, so it runs after every chunk the
    // backend sent before completing (a listener added to an already-completed future would run
    // at once, ahead of chunks still queued).
    answer.whenComplete((result, failure) -> sink.context().runOnContext(v -> {
      long nanos = System.nanoTime() - admitted;
      if (failure != null) {
        served.ledger().release(units);
        if (!sink.started()) {
          series.ended(backendFailed(response, auth, served, failure), nanos);
        } else if (sink.open()) {
          log.warn("miner {}: stream of {} failed: {}", name, served.offer().spec().id(),
              failure.toString());
          sink.endWithError(toBytes(errorBody("backend_failed",
              "miner " + name + " failed mid-stream: " + failure.getMessage())));
          series.ended(MinerMetrics.Outcome.FAILED, nanos);
        } else {
          series.ended(MinerMetrics.Outcome.ABANDONED, nanos);
        }
        return;
      }
      long done = served.task().units(taskRequest, result);
      served.ledger().release(Math.max(0, units - done));
      if (!sink.open()) {
        series.ended(MinerMetrics.Outcome.ABANDONED, nanos);
        return;
      }
      String receipt = auth.receiptForDigest(sink.digest());
      logReceipt(auth, receipt);
      sink.endWithReceipt(receipt);
      series.ended(MinerMetrics.Outcome.ANSWERED, nanos);
    }));
  }

  /** Answers a backend's failure; returns how the request ended (refused when it was busy). */
  private MinerMetrics.Outcome backendFailed(HttpServerResponse response,
      AuthenticatedRequest auth, ServedTask served, Throwable cause) {
    Throwable root = cause instanceof java.util.concurrent.CompletionException
        && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof io.assay.task.TaskException t && t.busy()) {
      response.putHeader("Retry-After", "1");
      sendSigned(response, 429, auth, errorBody("rate_limited",
          "miner " + name + " is busy with " + served.offer().spec().id() + ": "
              + root.getMessage()));
      return MinerMetrics.Outcome.REFUSED;
    }
    log.warn("miner {}: {} failed: {}", name, served.offer().spec().id(), cause.toString());
    sendSigned(response, 502, auth, errorBody("backend_failed",
        "miner " + name + " could not answer: " + cause.getMessage()));
    return MinerMetrics.Outcome.FAILED;
  }

  /**
   * {@code POST /receipts/root} with {@code {"period": n}}: the signed root of the receipts of
   * requests the validator signed in period n, for a period still kept.
   */
  private void receiptRoot(HttpServerResponse response, AuthenticatedRequest auth, byte[] body) {
    Hotkey validator = auth.session().validator();
    long current = Math.floorDiv(clock.millis(), periodLength.toMillis());
    com.fasterxml.jackson.databind.JsonNode period;
    try {
      period = Json.MAPPER.readTree(body).path("period");
    } catch (java.io.IOException e) {
      period = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    if (!period.isIntegralNumber() || !period.canConvertToLong()) {
      sendSigned(response, 400, auth, errorBody("invalid_request",
          "expected {\"period\": <scoring period number>}"));
      return;
    }
    ReceiptLog log = receiptLog(validator);
    if (!log.keeps(period.asLong(), current)) {
      sendSigned(response, 404, auth, errorBody("period_not_kept", "period " + period.asLong()
          + " is not kept (current period " + current + ", " + keptPeriods + " kept)"));
      return;
    }
    sendSigned(response, 200, auth,
        Json.MAPPER.valueToTree(log.root(period.asLong(), identity, validator)));
  }

  private ReceiptLog receiptLog(Hotkey validator) {
    return receipts.computeIfAbsent(validator, v -> new ReceiptLog(keptPeriods));
  }

  /** Records the receipt of an answer under the period of the request's signed timestamp. */
  private void logReceipt(AuthenticatedRequest auth, String receipt) {
    receiptLog(auth.session().validator())
        .add(Math.floorDiv(auth.timestamp(), periodLength.toMillis()), receipt);
  }

  /** Answers that belong to an authenticated exchange carry a receipt too, errors included. */
  private void sendSigned(HttpServerResponse response, int status, AuthenticatedRequest auth,
      com.fasterxml.jackson.databind.JsonNode body) {
    byte[] bytes = toBytes(body);
    response.putHeader(ProtocolHeaders.RECEIPT, auth.receipt(bytes));
    response.putHeader("Content-Type", "application/json");
    response.setStatusCode(status).end(Buffer.buffer(bytes));
  }

  private static void sendJson(HttpServerResponse response, int status,
      com.fasterxml.jackson.databind.JsonNode body) {
    response.putHeader("Content-Type", "application/json");
    response.setStatusCode(status).end(Buffer.buffer(toBytes(body)));
  }

  private static void sendError(HttpServerResponse response, int status, String code,
      String message) {
    sendJson(response, status, errorBody(code, message));
  }

  static ObjectNode errorBody(String code, String message) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", "miner_error");
    error.putNull("param");
    error.put("code", code);
    return body;
  }

  private static byte[] toBytes(com.fasterxml.jackson.databind.JsonNode body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise JSON", e);
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void closeQuietly(TaskOffer offer) {
    try {
      offer.backend().close();
    } catch (RuntimeException e) {
      log.warn("miner {}: closing backend of {} failed", name, offer.spec().id(), e);
    }
  }

}
