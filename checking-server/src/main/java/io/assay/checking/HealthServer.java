package io.assay.checking;

import io.assay.metrics.Exposition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The standalone server's HTTP endpoints: {@code /health/live}, {@code /health/ready} (200 while
 * the service runs and Redis is connected, else 503) and {@code /metrics} (the service's
 * registry, with the check queue's gauges, in the format the scraper accepts). The handlers run
 * on the event loop: a scrape reads the queue's gauges from Redis asynchronously first, waiting
 * at most two seconds (then it shows the last values read).
 */
final class HealthServer implements AutoCloseable {

  private static final String NOT_FOUND = "{\"error\":{\"message\":\"not found\","
      + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"not_found\"}}";

  private final Vertx vertx;
  private final HttpServer server;

  private HealthServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Listens on {@code host:port} (0 for any free port); blocks until it does. */
  static HealthServer start(String host, int port, CheckingService service) {
    CheckQueueGauges gauges = service.registerQueueGauges();
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = vertx.createHttpServer()
          .requestHandler(request -> handle(request, service, gauges))
          .listen(port, host)
          .await(30, TimeUnit.SECONDS);
      return new HealthServer(vertx, server);
    } catch (Exception e) {
      vertx.close();
      throw new CheckingException("cannot listen on " + host + ":" + port + ": " + e.getMessage(),
          e);
    }
  }

  int port() {
    return server.actualPort();
  }

  private static void handle(HttpServerRequest request, CheckingService service,
      CheckQueueGauges gauges) {
    switch (request.path()) {
      case "/health/live" -> json(request, 200, "{\"status\":\"ok\"}");
      case "/health/ready" -> {
        if (service.isReady()) {
          json(request, 200, "{\"status\":\"ok\"}");
        } else {
          json(request, 503, "{\"status\":\"unavailable\",\"reason\":\"not connected to Redis\"}");
        }
      }
      case "/metrics" -> metrics(request, service, gauges);
      default -> json(request, 404, NOT_FOUND);
    }
  }

  private static void metrics(HttpServerRequest request, CheckingService service,
      CheckQueueGauges gauges) {
    String accept = request.getHeader("Accept");
    CompletableFuture<Void> read = gauges.refresh().toCompletableFuture()
        .completeOnTimeout(null, 2, TimeUnit.SECONDS);
    Future.fromCompletionStage(read, Vertx.currentContext()).onComplete(ignored -> {
      Exposition.Scrape scrape = Exposition.write(service.metrics().registry(), accept);
      request.response().putHeader("Content-Type", scrape.contentType())
          .end(Buffer.buffer(scrape.body()));
    });
  }

  private static void json(HttpServerRequest request, int status, String body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(body);
  }

  @Override
  public void close() {
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway; nothing is left to release
    }
  }
}
