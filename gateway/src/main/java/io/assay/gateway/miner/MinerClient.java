package io.assay.gateway.miner;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.attestation.TaskAttestation;
import io.assay.gateway.attestation.Verdict;
import io.assay.protocol.AttestedBodies;
import io.assay.protocol.Handshake;
import io.assay.protocol.Hotkey;
import io.assay.protocol.ProtocolHeaders;
import io.assay.protocol.Session;
import io.assay.protocol.SessionAccept;
import io.assay.protocol.SessionInitiator;
import io.assay.protocol.SignedRequest;
import io.assay.task.Json;
import io.assay.task.upstream.HttpTargets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Talks to one miner over the Assay protocol: opens a session when there is none (or the miner
 * forgot it), MACs every request, and checks the receipt of every answer.
 *
 * <p>Thread-safe; callbacks run on the caller's Vert.x context.
 */
public final class MinerClient {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MinerClient.class);

  private final String name;
  private final String baseUrl;
  /** {@link #baseUrl}, parsed once rather than for every request; copied per request. */
  private final RequestOptions target;
  private final Hotkey hotkey;
  private final SessionInitiator initiator;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private volatile Future<Session> session;
  /** The attested tasks, by id: what their miners' sessions must prove. */
  private final Map<String, TaskAttestation> attestedTasks;
  /** The current session's id and the attested tasks its quote was accepted for. */
  private volatile Attested attested = new Attested(null, java.util.Set.of());

  /** The session whose quote was judged, and the attested tasks that accepted it. */
  private record Attested(String sessionId, java.util.Set<String> tasks) {

    /** Whether {@code session}'s quote was accepted for {@code taskId}. */
    boolean covers(Session session, String taskId) {
      return session.id().equals(sessionId) && tasks.contains(taskId);
    }
  }

  public MinerClient(String name, String baseUrl, Hotkey hotkey, SessionInitiator initiator,
      HttpClient http, Duration timeout, Clock clock) {
    this(name, baseUrl, hotkey, initiator, http, timeout, clock, Map.of());
  }

  /**
   * @param attestedTasks the tasks that run in a TEE, by id: sessions then ask the miner for a
   *     quote, and only a session whose quote a task accepts gets that task's work, sealed
   */
  public MinerClient(String name, String baseUrl, Hotkey hotkey, SessionInitiator initiator,
      HttpClient http, Duration timeout, Clock clock, Map<String, TaskAttestation> attestedTasks) {
    this.attestedTasks = Map.copyOf(attestedTasks);
    this.name = name;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.target = HttpTargets.of(java.net.URI.create(this.baseUrl));
    this.hotkey = hotkey;
    this.initiator = initiator;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  public Hotkey hotkey() {
    return hotkey;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /**
   * Sends one authenticated request. Succeeds with any status the miner answered with a valid
   * receipt; fails with {@link MinerCallException} when there is no attributable answer.
   */
  public Future<MinerReply> call(HttpMethod method, String path, byte[] body) {
    return call(method, path, JSON, body);
  }

  /** As {@link #call(HttpMethod, String, byte[])}, for a body of {@code contentType}. */
  public Future<MinerReply> call(HttpMethod method, String path, String contentType,
      byte[] body) {
    long timeoutMillis = timeout.toMillis();
    return currentSession().compose(s -> send(s, method, path, contentType, body, timeoutMillis))
        .recover(e -> {
          if (e instanceof SessionLost) {
            session = null;
            return currentSession()
                .compose(s -> send(s, method, path, contentType, body, timeoutMillis));
          }
          return Future.failedFuture(e);
        });
  }

  private static final String JSON = "application/json";

  /**
   * Sends one authenticated request whose answer is streamed. Completes when the response
   * headers arrive: with a paused {@link MinerStream} for a 200 event stream, or with a {@link
   * MinerReply} for any other (receipted) answer, such as a 429. Fails like {@link #call}.
   */
  public Future<StreamOrReply> callStream(String path, byte[] body) {
    return currentSession().compose(s -> openStream(s, path, body)).recover(e -> {
      if (e instanceof SessionLost) {
        session = null;
        return currentSession().compose(s -> openStream(s, path, body));
      }
      return Future.failedFuture(e);
    });
  }

  /** Either a stream (status 200) or a whole reply (anything else). */
  public record StreamOrReply(MinerStream stream, MinerReply reply) {}

  private Future<StreamOrReply> openStream(Session s, String path, byte[] body) {
    SignedRequest signed = s.sign("POST", path, body);
    RequestOptions options = new RequestOptions(target)
        .setMethod(HttpMethod.POST)
        .setURI(target.getURI() + path)
        .setIdleTimeout(timeout.toMillis())
        .putHeader("Content-Type", "application/json")
        .putHeader("Accept", "text/event-stream");
    signed.headers().forEach(options::putHeader);
    HttpClientRequest[] sent = new HttpClientRequest[1];
    return http.request(options)
        .compose(request -> {
          sent[0] = request;
          return request.send(Buffer.buffer(body));
        })
        .timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onFailure(e -> {
          if (sent[0] != null) {
            sent[0].reset();
          }
        })
        .compose(response -> {
          String type = response.getHeader("Content-Type");
          if (response.statusCode() == 200 && type != null
              && type.startsWith("text/event-stream")) {
            return Future.succeededFuture(
                new StreamOrReply(new MinerStream(name, response, signed), null));
          }
          return boundedBody(response)
              .map(b -> toReply(response, b))
              .compose(reply -> verified(signed, path, reply))
              .map(reply -> new StreamOrReply(null, reply));
        })
        .recover(e -> Future.failedFuture(translate(e, path, timeout.toMillis())));
  }

  private Future<Session> currentSession() {
    Future<Session> current = session;
    if (current != null && !current.failed()
        && !(current.succeeded() && current.result().expired(clock.instant().plusSeconds(30)))) {
      return current;
    }
    synchronized (this) {
      if (session == current) {
        session = openSession();
      }
      return session;
    }
  }

  /**
   * Whether this miner may be sent work of {@code taskId} now: any task that does not run in a
   * TEE; an attested task only over a current session whose quote that task accepted.
   */
  public boolean mayServe(String taskId) {
    if (!attestedTasks.containsKey(taskId)) {
      return true;
    }
    Future<Session> current = session;
    return current != null && current.succeeded() && !current.result().expired(clock.instant())
        && attested.covers(current.result(), taskId);
  }

  /**
   * Sends work of {@code taskId}: as {@link #call(HttpMethod, String, String, byte[])}, and for a
   * task that runs in a TEE, sealed to the enclave over a session whose quote the task accepted
   * (fails with {@link MinerCallException.Outcome#REJECTED}, nothing sent, over any other).
   */
  public Future<MinerReply> callTask(String taskId, String path, String contentType,
      byte[] body) {
    if (!attestedTasks.containsKey(taskId)) {
      return call(HttpMethod.POST, path, contentType, body);
    }
    return currentSession().compose(s -> {
      if (!attested.covers(s, taskId)) {
        return Future.failedFuture(new MinerCallException(MinerCallException.Outcome.REJECTED,
            "miner " + name + "'s session is not attested for " + taskId));
      }
      Map<String, String> sealed = Map.of(AttestedBodies.HEADER, AttestedBodies.CIPHER);
      return send(s, HttpMethod.POST, path, contentType, s.seal(path, body), sealed,
          timeout.toMillis());
    });
  }

  private Future<Session> openSession() {
    Handshake handshake = initiator.start(hotkey, !attestedTasks.isEmpty());
    byte[] hello;
    try {
      hello = Json.MAPPER.writeValueAsBytes(handshake.hello());
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return exchange(HttpMethod.POST, "/session", hello, Map.of(), timeout.toMillis())
        .compose(reply -> {
      if (reply.status() != 200) {
        return Future.failedFuture(new MinerCallException(MinerCallException.Outcome.REJECTED,
            "miner " + name + " refused a session: " + reply.status() + " " + reply.errorText()));
      }
      try {
        SessionAccept accept = Json.MAPPER.readValue(reply.body(), SessionAccept.class);
        return judged(handshake.complete(accept));
      } catch (IOException | RuntimeException e) {
        return Future.failedFuture(new MinerCallException(MinerCallException.Outcome.REJECTED,
            "miner " + name + " answered the session handshake wrongly: " + e.getMessage(), 0, e));
      }
    });
  }

  /**
   * The session once its quote, if it has one, is judged for every attested task: verifying a
   * quote (certificates, signatures, collateral) takes milliseconds, so on a worker. A session
   * without a quote, or whose quote no task accepts, is still used for the other tasks.
   */
  private Future<Session> judged(Session s) {
    Session.Attestation evidence = s.attestation();
    if (evidence == null || attestedTasks.isEmpty()) {
      attested = new Attested(s.id(), java.util.Set.of());
      return Future.succeededFuture(s);
    }
    java.util.concurrent.Callable<java.util.Set<String>> judge = () -> {
      java.util.Set<String> accepted = new java.util.TreeSet<>();
      attestedTasks.forEach((task, attestation) -> {
        try {
          Verdict verdict = attestation.judge(evidence.quote(), evidence.reportData(),
              clock.instant());
          if (verdict.valid()) {
            accepted.add(task);
          } else {
            log.warn("miner {}: quote refused for {}: {}", name, task, verdict.reason());
          }
        } catch (RuntimeException e) {
          // Not accepted, and the session still serves the miner's other tasks.
          log.error("miner {}: judging its quote for {} failed", name, task, e);
        }
      });
      return accepted;
    };
    io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
    Future<java.util.Set<String>> tasks;
    if (context == null) {
      try {
        tasks = Future.succeededFuture(judge.call());
      } catch (Exception e) {
        tasks = Future.failedFuture(e);
      }
    } else {
      tasks = context.executeBlocking(judge, false);
    }
    return tasks.map(accepted -> {
      attested = new Attested(s.id(), java.util.Set.copyOf(accepted));
      return s;
    });
  }

  private Future<MinerReply> send(Session s, HttpMethod method, String path,
      String contentType, byte[] body, long timeoutMillis) {
    return send(s, method, path, contentType, body, Map.of(), timeoutMillis);
  }

  private Future<MinerReply> send(Session s, HttpMethod method, String path,
      String contentType, byte[] body, Map<String, String> extra, long timeoutMillis) {
    SignedRequest signed = s.sign(method.name(), path, body);
    Map<String, String> headers = signed.headers();
    if (!JSON.equals(contentType) || !extra.isEmpty()) {
      headers = new java.util.HashMap<>(headers);
      headers.put("Content-Type", contentType);
      headers.putAll(extra);
    }
    return exchange(method, path, body, headers, timeoutMillis)
        .compose(reply -> verified(signed, path, reply));
  }

  /** The reply if its receipt matches; protocol rejections (no receipt) become failures. */
  private Future<MinerReply> verified(SignedRequest signed, String path, MinerReply reply) {
    String receipt = reply.header(ProtocolHeaders.RECEIPT);
    if (receipt == null && (reply.status() == 401 || reply.status() == 403)) {
      String code = reply.errorCode();
      if ("unknown_session".equals(code) || "expired_session".equals(code)) {
        return Future.failedFuture(new SessionLost());
      }
      return Future.failedFuture(new MinerCallException(MinerCallException.Outcome.REJECTED,
          "miner " + name + " rejected the request: " + reply.status() + " " + code));
    }
    if (receipt == null || !signed.receiptMatches(receipt, reply.body())) {
      return Future.failedFuture(new MinerCallException(MinerCallException.Outcome.BAD_RECEIPT,
          "miner " + name + " answered " + path + " with a "
              + (receipt == null ? "missing" : "non-matching") + " receipt"));
    }
    return Future.succeededFuture(reply.withReceipt(receipt, signed.timestamp()));
  }

  private Future<MinerReply> exchange(HttpMethod method, String path, byte[] body,
      Map<String, String> headers, long timeoutMillis) {
    RequestOptions options = new RequestOptions(target)
        .setMethod(method)
        .setURI(target.getURI() + path)
        .setIdleTimeout(timeout.toMillis())
        .putHeader("Content-Type", "application/json");
    headers.forEach(options::putHeader);
    HttpClientRequest[] sent = new HttpClientRequest[1];
    return http.request(options)
        .compose(request -> {
          sent[0] = request;
          return request.send(Buffer.buffer(body));
        })
        .compose(response -> boundedBody(response).map(b -> toReply(response, b)))
        .timeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> {
          // A miner that drips bytes keeps the connection busy past the timeout: close it, so
          // the pool gets it back and the miner knows its answer is not wanted.
          if (sent[0] != null) {
            sent[0].reset();
          }
          return Future.failedFuture(translate(e, path, timeoutMillis));
        });
  }

  /**
   * Most bytes read of one answer: ten 1024x1024 pictures in base64 are about 20 MB. A miner
   * that sends more is cut off rather than allowed to fill the gateway's memory.
   */
  static final int MAX_REPLY_BYTES = 64 << 20;

  /** The body of {@code response}, failing as a bad answer beyond {@link #MAX_REPLY_BYTES}. */
  private Future<Buffer> boundedBody(HttpClientResponse response) {
    io.vertx.core.Promise<Buffer> body = io.vertx.core.Promise.promise();
    Buffer read = Buffer.buffer();
    response.exceptionHandler(body::tryFail);
    response.handler(chunk -> {
      if (read.length() + chunk.length() > MAX_REPLY_BYTES) {
        response.request().reset();
        body.tryFail(new MinerCallException(MinerCallException.Outcome.BAD_ANSWER,
            "miner " + name + " sent more than " + MAX_REPLY_BYTES + " bytes"));
      } else {
        read.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> body.tryComplete(read));
    return body.future();
  }

  private static MinerReply toReply(HttpClientResponse response, Buffer body) {
    return new MinerReply(response.statusCode(), response.headers(), body.getBytes(), null, 0);
  }

  private Throwable translate(Throwable e, String path, long timeoutMillis) {
    if (e instanceof MinerCallException || e instanceof SessionLost) {
      return e;
    }
    if (e instanceof TimeoutException || e instanceof io.netty.handler.timeout.TimeoutException
        || String.valueOf(e.getMessage()).contains("timeout")) {
      return new MinerCallException(MinerCallException.Outcome.TIMEOUT,
          "miner " + name + " gave no answer within " + timeoutMillis + " ms on " + path, 0, e);
    }
    return new MinerCallException(MinerCallException.Outcome.UNREACHABLE,
        "miner " + name + " at " + baseUrl + " unreachable on " + path + ": " + e.getMessage(), 0,
        e);
  }

  /** The miner no longer knows our session; open a new one and try once more. */
  private static final class SessionLost extends RuntimeException {
    SessionLost() {
      super("session lost", null, false, false);
    }
  }

  /** Reads the {@code error.code} of a miner's JSON error body, if any. */
  static String errorCode(byte[] body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      JsonNode code = node.path("error").path("code");
      return code.isTextual() ? code.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
