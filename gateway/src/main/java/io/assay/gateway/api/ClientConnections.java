package io.assay.gateway.api;

import io.vertx.core.http.HttpConnection;

/**
 * Caps the connections one client address holds open at once, across every instance of the API
 * server, counted from the moment they open: a client that opens connections and trickles its
 * headers (slowloris) or floods them gets its extra connections closed as they open, and others
 * are not starved. Thread-safe.
 */
final class ClientConnections {

  private final CappedCounts open;

  ClientConnections(int maxPerClient) {
    this.open = new CappedCounts(maxPerClient);
  }

  /** Counts a new connection until it closes; closes it at once when its client is at the cap. */
  void opened(HttpConnection connection) {
    String client = connection.remoteAddress() == null ? "?"
        : connection.remoteAddress().hostAddress();
    Runnable slot = open.tryTake(client);
    if (slot == null) {
      connection.close();
      return;
    }
    connection.closeHandler(v -> slot.run());
  }
}
