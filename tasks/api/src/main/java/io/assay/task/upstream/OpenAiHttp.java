package io.assay.task.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Json;
import io.assay.task.UpstreamConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A small asynchronous JSON client for OpenAI-compatible model servers (vLLM, Ollama's
 * {@code /v1}, Hugging Face TEI, llama.cpp server), shared by the task kinds' upstream backends.
 *
 * <p>It does one thing: {@link #postJson} sends a JSON body to {@code baseUrl + path} with the
 * configured bearer key and returns the response body, or fails with {@link UpstreamException};
 * {@link #postJsonStream} does the same for a streamed answer, handing over each server-sent
 * event's data as it arrives. Task kinds keep their own request building and answer parsing.
 *
 * <p>Built on the JDK's {@link HttpClient} over HTTP/1.1 (plain-text HTTP/2 upgrade attempts
 * confuse several of these servers). Every call has a deadline of {@link UpstreamConfig#timeout()}
 * covering connect, headers and body, and a bound on the response size. Instances are immutable
 * and thread-safe; create one per upstream and reuse it, so connections are pooled.
 */
public final class OpenAiHttp {

  /** Default bound on a response body: large enough for 2048 float embeddings of 1024 dims. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 64 << 20;

  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_SERVER_MESSAGE_CHARS = 500;

  private final UpstreamConfig config;
  private final HttpClient client;
  private final int maxResponseBytes;
  private final java.util.Map<String, URI> uris = new java.util.concurrent.ConcurrentHashMap<>();

  private OpenAiHttp(UpstreamConfig config, HttpClient client, int maxResponseBytes) {
    this.config = config;
    this.client = client;
    this.maxResponseBytes = maxResponseBytes;
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
    Duration connect = config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0
        ? config.timeout() : MAX_CONNECT_TIMEOUT;
    HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connect)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    return new OpenAiHttp(config, client, maxResponseBytes);
  }

  public UpstreamConfig config() {
    return config;
  }

  /** {@code baseUrl + path}, parsed once per path: a URI costs microseconds to parse. */
  private URI uri(String path) {
    return uris.computeIfAbsent(path, config::resolve);
  }

  /**
   * POSTs {@code body} as {@code application/json} to {@code baseUrl + path} (for example {@code
   * /embeddings}).
   *
   * <p>Never blocks. The future completes on the HTTP client's own threads, so dependent stages
   * must not block either; hand heavy work to an executor. It completes with the body of a 2xx
   * response, or exceptionally with {@link UpstreamException}: for a non-2xx answer (with the
   * status and the server's error message), a failure to connect, a body over the size limit, or
   * no complete answer within the timeout. Cancelling the future aborts the exchange.
   */
  public CompletableFuture<byte[]> postJson(String path, byte[] body) {
    URI uri = uri(path);
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(config.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (config.apiKey() != null && !config.apiKey().isBlank()) {
      builder.header("Authorization", "Bearer " + config.apiKey());
    }
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    CompletableFuture<HttpResponse<byte[]>> call;
    try {
      call = client.sendAsync(builder.build(), info -> new BoundedBody(maxResponseBytes,
          info.headers().firstValueAsLong("content-length").orElse(-1)));
    } catch (RuntimeException e) {
      result.completeExceptionally(failure(uri, e));
      return result;
    }
    // The request timeout only covers waiting for the headers; this deadline covers the body too.
    call.copy()
        .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((response, error) -> {
          if (error != null) {
            call.cancel(true);
            result.completeExceptionally(failure(uri, error));
          } else if (response.statusCode() / 100 == 2) {
            result.complete(response.body());
          } else {
            result.completeExceptionally(refusal(uri, response.statusCode(), response.body()));
          }
        });
    result.whenComplete((ignored, error) -> {
      if (result.isCancelled()) {
        call.cancel(true);
      }
    });
    return result;
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
   * <p>Never blocks. {@code onData} runs on the HTTP client's threads, one call at a time, in
   * order; the response is read no faster than it returns (backpressure), so it should not block
   * for long. The future completes normally after {@code [DONE]} (anything after it is read and
   * dropped, so the connection can be reused) or at a clean end of the body, and exceptionally
   * with:
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
    URI uri = uri(path);
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
        .timeout(config.timeout())
        .header("Content-Type", "application/json")
        .header("Accept", "text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (config.apiKey() != null && !config.apiKey().isBlank()) {
      builder.header("Authorization", "Bearer " + config.apiKey());
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    EventStreamBody events = new EventStreamBody(uri, onData, result, maxResponseBytes);
    CompletableFuture<HttpResponse<Void>> call;
    try {
      call = client.sendAsync(builder.build(), info -> info.statusCode() / 100 == 2
          ? events
          : HttpResponse.BodySubscribers.mapping(new BoundedBody(maxResponseBytes,
              info.headers().firstValueAsLong("content-length").orElse(-1)), refused -> {
                throw refusal(uri, info.statusCode(), refused);
              }));
    } catch (RuntimeException e) {
      result.completeExceptionally(failure(uri, e));
      return result;
    }
    // The exchange may outlive the result (draining after [DONE]); the deadline bounds both.
    call.copy()
        .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((response, error) -> {
          if (error != null) {
            events.abort();
            call.cancel(true);
            result.completeExceptionally(failure(uri, error));
          } else {
            result.complete(null);
          }
        });
    result.whenComplete((ignored, error) -> {
      if (error != null) {
        events.abort();
        call.cancel(true);
      }
    });
    return result;
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
    if (cause instanceof HttpConnectTimeoutException) {
      return new UpstreamException(call + " could not connect within "
          + client.connectTimeout().orElse(config.timeout()).toMillis() + " ms",
          UpstreamException.NO_RESPONSE, true, null, cause);
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new UpstreamException(call + " did not answer within "
          + config.timeout().toMillis() + " ms", UpstreamException.NO_RESPONSE, true, null, cause);
    }
    if (cause instanceof BoundedBody.TooLarge) {
      return new UpstreamException(call + " failed: " + cause.getMessage(),
          UpstreamException.NO_RESPONSE, false, null, cause);
    }
    if (cause instanceof ConnectException) {
      return new UpstreamException(call + " could not connect: " + describe(cause),
          UpstreamException.NO_RESPONSE, false, null, cause);
    }
    if (cause instanceof IOException) {
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
    // The JDK often leaves the message of a ConnectException empty and puts it in the cause.
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
