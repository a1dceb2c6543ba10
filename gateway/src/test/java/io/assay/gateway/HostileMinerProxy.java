package io.assay.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of a real miner that, while told to, answers the miner's task requests
 * (paths under {@code /v1/}) the way a broken or hostile miner would, at the HTTP level; the
 * session handshake, capacity polls and receipt roots pass through untouched.
 */
final class HostileMinerProxy implements AutoCloseable {

  /** How task requests are answered. */
  enum Mode {
    /** Forwarded to the miner. */
    PASS,
    /** Never answered. */
    HANG,
    /** 200 and JSON headers, then a byte every 200 ms, never ending. */
    DRIP,
    /** 200 with 4 KiB of random bytes as JSON. */
    GARBAGE,
    /** 200 with an HTML page. */
    WRONG_TYPE,
    /** 200 with an 80 MiB JSON body. */
    HUGE,
    /** 200 and part of a body, then the connection closed. */
    DISCONNECT,
    /** The miner's stream without its receipt and end, then keep-alive comments forever. */
    ENDLESS_STREAM
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = vertx.createHttpClient();
  private final int target;
  private final HttpServer server;
  private final Map<Mode, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final java.util.List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.PASS;

  /** A task request as the miner received it: path, header names and values, body. */
  record Seen(String path, Map<String, String> headers, String body) {}

  HostileMinerProxy(int targetPort) throws Exception {
    this.target = targetPort;
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  /**
   * Puts a proxy in front of {@code miner}, adds it to {@code proxies} and returns its address:
   * for {@link LlmTestGateway}'s miner addresses.
   */
  static String inFront(io.assay.miner.Miner miner, java.util.List<HostileMinerProxy> proxies) {
    try {
      HostileMinerProxy proxy = new HostileMinerProxy(miner.port());
      proxies.add(proxy);
      return proxy.url();
    } catch (Exception e) {
      throw new IllegalStateException("the proxy did not start", e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Every task request that came through, in order. */
  java.util.List<Seen> seen() {
    return java.util.List.copyOf(seen);
  }

  /** Task requests answered in {@code mode} so far. */
  int hits(Mode mode) {
    return hits.computeIfAbsent(mode, m -> new AtomicInteger()).get();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Mode now = request.path().startsWith("/v1/") ? mode : Mode.PASS;
      if (request.path().startsWith("/v1/")) {
        Map<String, String> headers = new java.util.TreeMap<>();
        request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
        seen.add(new Seen(request.path(), headers, body.toString()));
      }
      hits.computeIfAbsent(now, m -> new AtomicInteger()).incrementAndGet();
      HttpServerResponse response = request.response();
      switch (now) {
        case PASS, ENDLESS_STREAM -> forward(request, body, now == Mode.ENDLESS_STREAM);
        case HANG -> { }
        case DRIP -> {
          response.setChunked(true).putHeader("Content-Type", "application/json");
          response.write("{");
          long timer = vertx.setPeriodic(200, id -> response.write(" "));
          response.closeHandler(v -> vertx.cancelTimer(timer));
        }
        case GARBAGE -> {
          byte[] junk = new byte[4096];
          new Random().nextBytes(junk);
          response.putHeader("Content-Type", "application/json").end(Buffer.buffer(junk));
        }
        case WRONG_TYPE -> response.putHeader("Content-Type", "text/html")
            .end("<html><body>hello</body></html>");
        case HUGE -> {
          response.setChunked(true).putHeader("Content-Type", "application/json");
          writeHuge(response, Buffer.buffer(new byte[1 << 20]), 80);
        }
        case DISCONNECT -> {
          response.setChunked(true).putHeader("Content-Type", "application/json");
          response.write("{\"id\":\"chatcmpl-");
          request.connection().close();
        }
        default -> throw new IllegalStateException(now.name());
      }
    });
  }

  /** Writes {@code left} more copies of {@code block}, as fast as the reader takes them. */
  private void writeHuge(HttpServerResponse response, Buffer block, int left) {
    while (left > 0 && !response.writeQueueFull()) {
      response.write(block);
      left--;
    }
    if (left == 0) {
      response.end();
      return;
    }
    int rest = left;
    response.drainHandler(v -> writeHuge(response, block, rest));
  }

  private void forward(HttpServerRequest request, Buffer body, boolean endless) {
    RequestOptions options = new RequestOptions().setMethod(request.method())
        .setHost("127.0.0.1").setPort(target).setURI(request.uri());
    request.headers().forEach(h -> {
      if (!h.getKey().equalsIgnoreCase("Host")) {
        options.addHeader(h.getKey(), h.getValue());
      }
    });
    HttpServerResponse response = request.response();
    client.request(options).compose(r -> r.send(body)).onComplete(ar -> {
      if (ar.failed()) {
        request.connection().close();
        return;
      }
      HttpClientResponse from = ar.result();
      response.setStatusCode(from.statusCode());
      from.headers().forEach(h -> {
        if (!h.getKey().equalsIgnoreCase("Content-Length")
            && !h.getKey().equalsIgnoreCase("Transfer-Encoding")) {
          response.putHeader(h.getKey(), h.getValue());
        }
      });
      response.setChunked(true);
      if (!endless) {
        from.handler(response::write);
        from.endHandler(v -> response.end());
        return;
      }
      // Relay the stream up to its receipt, then keep the connection alive without end.
      boolean[] cut = {false};
      from.handler(chunk -> {
        if (cut[0]) {
          return;
        }
        String text = chunk.toString();
        int receipt = text.indexOf("event: receipt");
        if (receipt >= 0) {
          cut[0] = true;
          response.write(text.substring(0, receipt));
          long timer = vertx.setPeriodic(100, id -> response.write(": keep-alive\n\n"));
          response.closeHandler(v -> vertx.cancelTimer(timer));
        } else {
          response.write(chunk);
        }
      });
    });
  }

  @Override
  public void close() {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the proxy did not stop", e);
    }
  }
}
