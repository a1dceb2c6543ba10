package io.assay.bench.gateway;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CountDownLatch;

/**
 * The floor of the gateway's stack: a reverse proxy on Vert.x that does nothing but forward,
 * built the way the gateway talks HTTP (one server instance per core, a pooled keep-alive HTTP/1.1
 * client, each body read whole and sent on). No authentication, no parsing, no Redis: what
 * Vert.x and Netty cost per request on this machine, so the forwarding benchmark can say how
 * much of the gateway's CPU per request is the stack and how much is the gateway's own work.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.assay.bench.gateway.BareVertxProxy PORT UPSTREAM_PORT
 * </pre>
 */
public final class BareVertxProxy extends AbstractVerticle {

  private final int port;
  private final int upstreamPort;
  private HttpClient upstream;

  private BareVertxProxy(int port, int upstreamPort) {
    this.port = port;
    this.upstreamPort = upstreamPort;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: BareVertxProxy PORT UPSTREAM_PORT");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int upstreamPort = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx();
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    vertx.deployVerticle(() -> new BareVertxProxy(port, upstreamPort),
        new DeploymentOptions().setInstances(instances)).await();
    System.out.println("bare Vert.x proxy listening on port " + port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close().await();
      stopped.countDown();
    }, "bare-proxy-shutdown"));
    stopped.await();
  }

  @Override
  public void start(Promise<Void> started) {
    upstream = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(256));
    vertx.createHttpServer().requestHandler(this::forward).listen(port, "127.0.0.1")
        .<Void>mapEmpty().onComplete(started);
  }

  private void forward(HttpServerRequest in) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost("127.0.0.1")
        .setPort(upstreamPort)
        .setURI(in.uri())
        .putHeader("Content-Type", "application/json");
    in.body()
        .compose(body -> upstream.request(options).compose(out -> out.send(body)))
        .compose(response -> response.body().map(body -> {
          in.response()
              .setStatusCode(response.statusCode())
              .putHeader("Content-Type", "application/json")
              .end(body);
          return (Void) null;
        }))
        .onFailure(e -> {
          if (!in.response().ended()) {
            in.response().setStatusCode(502).end(Buffer.buffer(e.toString()));
          }
        });
  }
}
