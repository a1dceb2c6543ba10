package io.assay.checking;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;

/**
 * The standalone server's HTTP endpoints: {@code /health/live}, {@code /health/ready} (200 while
 * the service runs and Redis is connected, else 503) and {@code /metrics} (Prometheus text). The
 * handlers only read counters, so they run on the event loop.
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
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = vertx.createHttpServer()
          .requestHandler(request -> handle(request, service))
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

  private static void handle(HttpServerRequest request, CheckingService service) {
    switch (request.path()) {
      case "/health/live" -> json(request, 200, "{\"status\":\"ok\"}");
      case "/health/ready" -> {
        if (service.isReady()) {
          json(request, 200, "{\"status\":\"ok\"}");
        } else {
          json(request, 503, "{\"status\":\"unavailable\",\"reason\":\"not connected to Redis\"}");
        }
      }
      case "/metrics" -> request.response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(service.metrics().render());
      default -> json(request, 404, NOT_FOUND);
    }
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
