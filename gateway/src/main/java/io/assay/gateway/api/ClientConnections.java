package io.assay.gateway.api;

import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections one client address holds open at once, across every instance of the API
 * server, counted from the moment they open: a client that opens connections and trickles its
 * headers (slowloris) or floods them gets its extra connections closed as they open, and others
 * are not starved. Thread-safe.
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
