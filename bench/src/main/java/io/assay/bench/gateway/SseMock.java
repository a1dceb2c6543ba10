package io.assay.bench.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming OpenAI-compatible upstream for the streaming benchmark: every {@code POST
 * /v1/chat/completions} is answered with {@value #CHUNKS} server-sent chunks {@value #GAP_MS} ms
 * apart, each one token ({@link #token}) with its log-probability and five alternatives, as vLLM
 * sends them; then a chunk with {@code finish_reason: stop}, a usage chunk and {@code [DONE]}.
 * The first chunk (role and token 0) leaves at once, so a stream takes 63 x 20 ms = 1.26 s at
 * best, and a client can check order and completeness from the text alone.
 *
 * <p>nginx cannot pace chunks, hence this. Chunks are pre-rendered at start; each stream holds one
 * periodic timer, cancelled when the stream ends or its connection closes. One verticle per
 * event loop (two by default).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.assay.bench.gateway.SseMock --port 18407 [--loops 2]
 * </pre>
 */
public final class SseMock extends VerticleBase {

  static final int CHUNKS = 64;
  static final long GAP_MS = 20;

  private static final List<Buffer> EVENTS = render();

  private final int port;

  private SseMock(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = 18407;
    int loops = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--loops" -> loops = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    int listen = port;
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new SseMock(listen), new DeploymentOptions().setInstances(loops))
        .toCompletionStage().toCompletableFuture().join();
    System.out.println("SSE mock listening on port " + port + ": " + CHUNKS + " chunks "
        + GAP_MS + " ms apart");
  }

  /** The text of token {@code i}: distinct, so the whole text shows order and completeness. */
  static String token(int i) {
    return " t" + i;
  }

  /** What a client must see, concatenated, from a complete stream. */
  static String expectedText() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < CHUNKS; i++) {
      b.append(token(i));
    }
    return b.toString();
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
            .setIdleTimeout(0).setAcceptBacklog(4096))
        .requestHandler(this::handle)
        .listen();
  }

  private void handle(HttpServerRequest request) {
    if (!request.path().endsWith("/chat/completions")) {
      request.response().setStatusCode(404).end();
      return;
    }
    // The body (the miner's canonical request) is read and ignored: every stream is the same.
    request.body().onSuccess(ignored -> stream(request.response()));
  }

  private void stream(HttpServerResponse response) {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    response.write(EVENTS.get(0));
    int[] next = {1};
    long timer = vertx.setPeriodic(GAP_MS, id -> {
      int i = next[0]++;
      if (i < CHUNKS) {
        response.write(EVENTS.get(i));
      }
      if (i >= CHUNKS - 1) {
        vertx.cancelTimer(id);
        for (int j = CHUNKS; j < EVENTS.size(); j++) {
          response.write(EVENTS.get(j));
        }
        response.end();
      }
    });
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  /** Every event of a stream: 64 token chunks, the finish chunk, usage, [DONE]. */
  private static List<Buffer> render() {
    List<Buffer> out = new ArrayList<>();
    String head = "{\"id\":\"chatcmpl-sse-mock\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1733500000,\"model\":\"mock-model\",\"system_fingerprint\":null,";
    for (int i = 0; i < CHUNKS; i++) {
      String t = token(i);
      StringBuilder top = new StringBuilder();
      for (int k = 0; k < 5; k++) {
        String alt = k == 0 ? t : " a" + k;
        top.append(k == 0 ? "" : ",").append("{\"token\":\"").append(alt)
            .append("\",\"logprob\":").append(-0.25 - k * 0.75).append(",\"bytes\":")
            .append(bytes(alt)).append('}');
      }
      String delta = (i == 0 ? "{\"role\":\"assistant\",\"content\":\"" : "{\"content\":\"")
          + t + "\"}";
      out.add(event(head + "\"choices\":[{\"index\":0,\"delta\":" + delta
          + ",\"logprobs\":{\"content\":[{\"token\":\"" + t + "\",\"logprob\":-0.25,\"bytes\":"
          + bytes(t) + ",\"top_logprobs\":[" + top + "]}],\"refusal\":null},"
          + "\"finish_reason\":null}],\"usage\":null}"));
    }
    out.add(event(head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
        + "\"finish_reason\":\"stop\"}],\"usage\":null}"));
    out.add(event(head + "\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":"
        + CHUNKS + ",\"total_tokens\":" + (20 + CHUNKS) + "}}"));
    out.add(Buffer.buffer("data: [DONE]\n\n"));
    return List.copyOf(out);
  }

  private static Buffer event(String json) {
    return Buffer.buffer("data: " + json + "\n\n");
  }

  private static String bytes(String token) {
    StringBuilder b = new StringBuilder("[");
    byte[] raw = token.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      b.append(i == 0 ? "" : ",").append(raw[i] & 0xff);
    }
    return b.append(']').toString();
  }
}
