package io.assay.gateway.api;

import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections one client address holds open at once, across every instance of the API
 * server: a client that floods connections gets its extra ones closed, and others are not
 * starved. Vert.x hands the gateway a connection only once its first request's headers are all
 * in (measured on 5.1.6), so a connection is counted from then: one still trickling its first
 * headers (slowloris) is bounded by {@code gateway.idle_timeout} between bytes and the 16 KiB
 * header limit, not by this cap. Thread-safe.
 */
final class ClientConnections {

  private final int maxPerClient;
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

  ClientConnections(int maxPerClient) {
    this.maxPerClient = maxPerClient;
  }

  /** Counts a new connection until it closes; closes it at once when its client is at the cap. */
  void opened(HttpConnection connection) {
    String client = connection.remoteAddress() == null ? "?"
        : connection.remoteAddress().hostAddress();
    AtomicInteger count = open.computeIfAbsent(client, c -> new AtomicInteger());
    if (count.incrementAndGet() > maxPerClient) {
      release(client, count);
      connection.close();
      return;
    }
    connection.closeHandler(v -> release(client, count));
  }

  private void release(String client, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) {
      open.remove(client, count);
    }
  }
}
