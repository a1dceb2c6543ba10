package io.assay.task.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import io.assay.task.UpstreamConfig;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A small asynchronous JSON client for OpenAI-compatible model servers (vLLM, Ollama's
 * {@code /v1}, Hugging Face TEI, llama.cpp server), shared by the task kinds' upstream backends
 * and checkers.
 *
 * <p>It does one thing: {@link #postJson} sends a JSON body to {@code baseUrl + path} with the
 * configured bearer key and returns the response body, or fails with {@link UpstreamException};
 * {@link #postJsonStream} does the same for a streamed answer, handing over each server-sent
 * event's data as it arrives. Task kinds keep their own request building and answer parsing.
 *
 * <p>Built on Vert.x's HTTP client over HTTP/1.1 (plain-text HTTP/2 upgrade attempts confuse
 * several of these servers), with pooled keep-alive connections. A call made on a Vert.x
 * context (a miner's event loop) runs on that context's Vert.x and completes there, so
 * forwarding a request costs no thread hand-off; a call from any other thread uses a Vert.x of
 * this client's own, started on first use and stopped by {@link #close}. Every call has a
 * deadline of {@link UpstreamConfig#timeout()} covering connect, headers and body, and a bound
 * on the response size. Thread-safe; create one per upstream and reuse it.
 */
public final class OpenAiHttp implements AutoCloseable {

  /** Default bound on a response body: large enough for 2048 float embeddings of 1024 dims. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 << 20;

  /** Connections kept per upstream and Vert.x: above any miner's declared concurrency. */
  static final int MAX_CONNECTIONS = 4096;

  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_SERVER_MESSAGE_CHARS = 500;

  private final UpstreamConfig config;
  private final int maxResponseBytes;
  private final HttpClientOptions clientOptions;
  private final Map<Vertx, HttpClient> clients = new ConcurrentHashMap<>();
  private final Map<String, Target> targets = new ConcurrentHashMap<>();
  private Vertx own;
  private boolean closed;

  /** Where one path goes: its URI for messages, the request it makes. */
  private record Target(URI uri, RequestOptions request) {}

  private OpenAiHttp(UpstreamConfig config, int maxResponseBytes) {
    this.config = config;
    this.maxResponseBytes = maxResponseBytes;
    Duration connect = config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0
        ? config.timeout() : MAX_CONNECT_TIMEOUT;
    this.clientOptions = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setConnectTimeout((int) connect.toMillis());
  }

  /** A client for {@code config} with {@link #DEFAULT_MAX_RESPONSE_BYTES}. */
  public static OpenAiHttp create(UpstreamConfig config) {
    return create(config, DEFAULT_MAX_RESPONSE_BYTES);
  }

  /**
   * A client for {@code config} that refuses response bodies larger than {@code
   * maxResponseBytes}.
   *
   * @throws IllegalArgumentException when the timeout is not positive, the base URL is not http(s)
   *     or the limit is not positive
   */
  public static OpenAiHttp create(UpstreamConfig config, int maxResponseBytes) {
    if (config.timeout().isNegative() || config.timeout().isZero()) {
      throw new IllegalArgumentException(
          "upstream timeout must be positive, was " + config.timeout());
    }
    String scheme = config.baseUrl().getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException(
          "upstream baseUrl must be an http(s) URL, was " + config.baseUrl());
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          "maxResponseBytes must be >= 1, was " + maxResponseBytes);
    }
    return new OpenAiHttp(config, maxResponseBytes);
  }

  public UpstreamConfig config() {
    return config;
  }

  /**
   * POSTs {@code body} as {@code application/json} to {@code baseUrl + path} (for example {@code
   * /embeddings}).
   *
   * <p>Never blocks. The future completes on the caller's Vert.x context when there is one (else
   * on this client's own event loop), so dependent stages must not block either; hand heavy work
   * to an executor. It completes with the body of a 2xx response, or exceptionally with {@link
   * UpstreamException}: for a non-2xx answer (with the status and the server's error message),
   * a failure to connect, a body over the size limit, or no complete answer within the timeout.
   * Cancelling the future aborts the exchange.
   */
  public CompletableFuture<byte[]> postJson(String path, byte[] body) {
    return post(path, "application/json", body);
  }

  /**
   * Like {@link #postJson}, for a body of another {@code contentType} ({@code
   * multipart/form-data; boundary=...} for an image edit's pictures).
   */
  public CompletableFuture<byte[]> post(String path, String contentType, byte[] body) {
    Exchange<byte[]> exchange = new Exchange<>(path, contentType, "application/json");
    exchange.send(body, response -> {
      BoundedBuffer collected = new BoundedBuffer(response, maxResponseBytes);
      response.handler(chunk -> {
        if (!collected.add(chunk)) {
          exchange.fail(tooLarge(exchange.uri()));
        }
      });
      response.endHandler(v -> {
        if (response.statusCode() / 100 == 2) {
          exchange.complete(collected.bytes());
        } else {
          exchange.fail(refusal(exchange.uri(), response.statusCode(), collected.bytes()));
        }
      });
    });
    return exchange.result;
  }

  /**
   * POSTs {@code body} as {@code application/json} to {@code baseUrl + path} and reads the answer
   * as server-sent events ({@code stream: true} in OpenAI's API), passing the data of each event
   * to {@code onData} as soon as the event is complete: the payload without the {@code data:}
   * prefix, the lines of a multi-line event joined with {@code \n}. Comments ({@code :} lines,
   * used as keep-alives), {@code event:}/{@code id:}/{@code retry:} fields and blank lines are not
   * passed on; lines may end in LF, CRLF or CR, and events and UTF-8 characters may be split
   * across network reads anyhow. The {@code [DONE]} sentinel is not passed on either.
   *
   * <p>Never blocks. {@code onData} runs where {@link #postJson}'s stages do, one call at a time,
   * in order, so it should not block for long. The future completes normally after {@code
   * [DONE]} (anything after it is read and dropped, so the connection can be reused) or at a
   * clean end of the body, and exceptionally with:
   *
   * <ul>
   *   <li>{@link UpstreamException} for a non-2xx answer (with the status and the server's error
   *       message), an error sent in the stream ({@code event: error}, llama.cpp's {@code error:}
   *       line, or an event whose data is an object with an {@code error} member), a failure to
   *       connect, a broken connection, a line over the size limit, or no complete answer within
   *       the timeout, which covers the whole stream;
   *   <li>whatever {@code onData} threw, unchanged: the exchange is then aborted.
   * </ul>
   *
   * <p>Whenever the future fails or is cancelled the exchange is aborted and its connection
   * closed; {@code onData} is not called after the future completes.
   */
  public CompletableFuture<Void> postJsonStream(String path, byte[] body,
      Consumer<String> onData) {
    Exchange<Void> exchange = new Exchange<>(path, "application/json", "text/event-stream");
    exchange.send(body, response -> {
      if (response.statusCode() / 100 != 2) {
        BoundedBuffer refused = new BoundedBuffer(response, maxResponseBytes);
        response.handler(refused::add);
        response.endHandler(v -> exchange.fail(
            refusal(exchange.uri(), response.statusCode(), refused.bytes())));
        return;
      }
      SseDecoder events = new SseDecoder(exchange.uri(), onData, exchange.result,
          maxResponseBytes);
      response.handler(chunk -> {
        if (events.finished() || exchange.result.isDone()) {
          return; // draining after [DONE], or after a failure that resets the connection
        }
        try {
          events.feed(java.nio.ByteBuffer.wrap(chunk.getBytes()));
        } catch (RuntimeException e) {
          exchange.fail(e);
        }
      });
      response.endHandler(v -> {
        try {
          events.end();
          exchange.complete(null);
        } catch (RuntimeException e) {
          exchange.fail(e);
        }
      });
    });
    return exchange.result;
  }

  /** Closes this client's connections and its own Vert.x, if it started one. */
  @Override
  public void close() {
    Vertx started;
    synchronized (this) {
      closed = true;
      started = own;
      own = null;
    }
    clients.values().forEach(HttpClient::close);
    clients.clear();
    if (started != null) {
      started.close();
    }
  }

  /**
   * One call: sends the request on the right Vert.x, arms the deadline, and makes sure the
   * result completes once and a failed or cancelled exchange closes its connection.
   */
  private final class Exchange<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    private final Target target;
    private final String contentType;
    private final String accept;
    private volatile HttpClientRequest request;

    Exchange(String path, String contentType, String accept) {
      this.target = targets.computeIfAbsent(path, this::resolve);
      this.contentType = contentType;
      this.accept = accept;
    }

    private Target resolve(String path) {
      URI uri = config.resolve(path);
      return new Target(uri, HttpTargets.of(uri).setMethod(HttpMethod.POST));
    }

    URI uri() {
      return target.uri;
    }

    void send(byte[] body, Consumer<HttpClientResponse> onResponse) {
      Vertx vertx;
      HttpClient client;
      try {
        vertx = vertx();
        client = clients.computeIfAbsent(vertx, v -> v.createHttpClient(clientOptions,
            new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS)));
      } catch (RuntimeException e) {
        result.completeExceptionally(failure(target.uri, e));
        return;
      }
      long deadline = vertx.setTimer(config.timeout().toMillis(), id -> fail(timeout()));
      result.whenComplete((ignored, error) -> {
        vertx.cancelTimer(deadline);
        HttpClientRequest sent = request;
        if (error != null && sent != null) {
          sent.reset(); // a failed or cancelled exchange closes its connection
        }
      });
      MultiMap headers = HttpHeaders.headers()
          .set(HttpHeaders.CONTENT_TYPE, contentType)
          .set(HttpHeaders.ACCEPT, accept);
      if (config.apiKey() != null && !config.apiKey().isBlank()) {
        headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + config.apiKey());
      }
      if (Vertx.currentContext() == null) {
        // Called off Vert.x (a test, `assay-miner check`): run the exchange on an event loop, so
        // that the response's handlers are set in the turn its headers arrive. Set later (a
        // listener emitted as a task of its own), a short response can have ended already, and
        // its body and end would be lost.
        vertx.getOrCreateContext().runOnContext(v -> start(client, headers, body, onResponse));
      } else {
        start(client, headers, body, onResponse);
      }
    }

    private void start(HttpClient client, MultiMap headers, byte[] body,
        Consumer<HttpClientResponse> onResponse) {
      client.request(new RequestOptions(target.request).setHeaders(headers))
          .compose(req -> {
            request = req;
            if (result.isDone()) {
              req.reset();
            }
            return req.send(Buffer.buffer(body));
          })
          .onSuccess(response -> {
            if (result.isDone()) {
              return;
            }
            response.exceptionHandler(e -> fail(failure(target.uri, e)));
            onResponse.accept(response);
          })
          .onFailure(e -> fail(failure(target.uri, e)));
    }

    void complete(T value) {
      result.complete(value);
    }

    void fail(Throwable error) {
      result.completeExceptionally(error);
    }

    private UpstreamException timeout() {
      return new UpstreamException("upstream POST " + target.uri + " did not answer within "
          + config.timeout().toMillis() + " ms", UpstreamException.NO_RESPONSE, true, null, null);
    }
  }

  /** The caller's Vert.x, or this client's own. */
  private Vertx vertx() {
    Context context = Vertx.currentContext();
    if (context != null) {
      return context.owner();
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("this upstream client is closed");
      }
      if (own == null) {
        own = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
      }
      return own;
    }
  }

  /** A response body gathered up to a limit; a larger one is refused as soon as it shows. */
  private static final class BoundedBuffer {
    private final Buffer buffer;
    private final int limit;
    private boolean over;

    BoundedBuffer(HttpClientResponse response, int limit) {
      this.limit = limit;
      String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      long declared = -1;
      try {
        declared = length == null ? -1 : Long.parseLong(length.trim());
      } catch (NumberFormatException ignored) {
        // Counted as it arrives instead.
      }
      this.over = declared > limit;
      this.buffer = Buffer.buffer(declared > 0 && declared <= limit ? (int) declared : 8192);
    }

    /** Adds a read; false once the body is over the limit. */
    boolean add(Buffer chunk) {
      if (over || (long) buffer.length() + chunk.length() > limit) {
        over = true;
        return false;
      }
      buffer.appendBuffer(chunk);
      return true;
    }

    byte[] bytes() {
      return buffer.getBytes();
    }
  }

  private UpstreamException tooLarge(URI uri) {
    return new UpstreamException("upstream POST " + uri + " failed: response body is larger than "
        + maxResponseBytes + " bytes", UpstreamException.NO_RESPONSE, false, null, null);
  }

  private UpstreamException refusal(URI uri, int status, byte[] body) {
    String serverMessage = serverMessage(body);
    String message = "upstream POST " + uri + " answered HTTP " + status
        + (serverMessage == null ? "" : ": " + serverMessage);
    return new UpstreamException(message, status, false, serverMessage, null);
  }

  private UpstreamException failure(URI uri, Throwable error) {
    Throwable cause = unwrap(error);
    String call = "upstream POST " + uri;
    if (cause instanceof UpstreamException upstream) {
      return upstream;
    }
    if (cause instanceof ConnectTimeoutException) {
      return new UpstreamException(call + " could not connect within "
          + clientOptions.getConnectTimeout() + " ms",
          UpstreamException.NO_RESPONSE, true, null, cause);
    }
    if (cause instanceof ConnectException) {
      return new UpstreamException(call + " could not connect: " + describe(cause),
          UpstreamException.NO_RESPONSE, false, null, cause);
    }
    if (cause instanceof IOException || cause instanceof io.vertx.core.VertxException) {
      return new UpstreamException(call + " failed: " + describe(cause),
          UpstreamException.NO_RESPONSE, false, null, cause);
    }
    return new UpstreamException(call + " failed unexpectedly: " + describe(cause),
        UpstreamException.NO_RESPONSE, false, null, cause);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    // Netty often leaves the message of a connect failure empty and puts it in the cause.
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && !c.getMessage().isBlank()) {
        return c.getMessage();
      }
    }
    return t.getClass().getSimpleName();
  }

  /**
   * The error message in a server's error body. Servers disagree on the shape: OpenAI, vLLM and
   * llama.cpp send {@code {"error":{"message":...}}}, TEI and Ollama {@code {"error":"..."}},
   * older vLLM {@code {"message":...}}, FastAPI {@code {"detail":...}}; anything else is quoted
   * as text.
   */
  static String serverMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode root = Json.MAPPER.readTree(body);
      if (root != null && root.isObject()) {
        JsonNode error = root.get("error");
        if (error != null && error.isObject() && error.path("message").isTextual()) {
          return clip(error.get("message").asText());
        }
        if (error != null && error.isTextual()) {
          return clip(error.asText());
        }
        if (root.path("message").isTextual()) {
          return clip(root.get("message").asText());
        }
        if (root.has("detail")) {
          JsonNode detail = root.get("detail");
          return clip(detail.isTextual() ? detail.asText() : detail.toString());
        }
      }
    } catch (IOException | RuntimeException notJson) {
      // Fall through: quote the body as text.
    }
    String text = new String(body, 0, Math.min(body.length, MAX_SERVER_MESSAGE_CHARS * 4),
        StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? null : clip(text);
  }

  private static String clip(String s) {
    return s.length() <= MAX_SERVER_MESSAGE_CHARS
        ? s : s.substring(0, MAX_SERVER_MESSAGE_CHARS) + "...";
  }

  /**
   * Whether an event's data is an error object rather than a chunk, as vLLM and OpenAI send when
   * generation fails after the 200 went out. Chunks are only parsed here when they mention an
   * error member at all, which content tokens rarely do.
   */
  static boolean inBandError(String payload) {
    if (!payload.contains("\"error\"")) {
      return false;
    }
    try {
      JsonNode root = Json.MAPPER.readTree(payload);
      return root != null && root.isObject() && root.hasNonNull("error") && !root.has("choices");
    } catch (IOException | RuntimeException notJson) {
      return false;
    }
  }
}
