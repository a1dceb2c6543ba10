package io.assay.gateway.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes a new connection whose first request has not brought all its headers within {@code
 * gateway.header_timeout}: a client trickling its headers (slowloris) holds a connection only
 * that long, not the idle timeout, whatever bytes it sends. Later requests on a kept-alive
 * connection are bounded by the idle and body timeouts. Needs the server to hand over
 * connections as they open, which it does with cleartext HTTP/2 off (with it on, Vert.x first
 * waits for the first request to tell the protocols apart). One per API server instance: a
 * connection and its requests are handled on the instance's event loop, so no locking.
 */
final class HeadDeadline {

  private final Vertx vertx;
  private final long millis;
  private final Map<HttpConnection, Long> waiting = new HashMap<>();

  HeadDeadline(Vertx vertx, long millis) {
    this.vertx = vertx;
    this.millis = millis;
  }

  /** A connection opened: its first request's headers are now due. */
  void opened(HttpConnection connection) {
    waiting.put(connection, vertx.setTimer(millis, id -> {
      if (waiting.remove(connection) != null) {
        connection.close();
      }
    }));
  }

  /** A request's headers arrived on {@code connection}. */
  void headArrived(HttpConnection connection) {
    Long timer = waiting.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
