package io.assay.gateway.api;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may read {@code /metrics}: it names miners, tasks and traffic, so not anyone who can reach
 * the public port. With {@code gateway.metrics_token} set, a client sending it as a bearer token
 * (compared in constant time); without, clients on loopback only (a scraper on the same host, or
 * behind a proxy that adds the token).
 */
final class MetricsAccess {

  private MetricsAccess() {}

  static boolean allowed(String token, HttpServerRequest request) {
    if (token != null) {
      String header = request.getHeader("Authorization");
      String sent = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
          ? header.substring(7).trim() : "";
      return MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
          token.getBytes(StandardCharsets.UTF_8));
    }
    SocketAddress from = request.remoteAddress();
    String host = from == null ? null : from.hostAddress();
    return host != null && (host.startsWith("127.") || host.equals("::1")
        || host.equals("0:0:0:0:0:0:0:1"));
  }
}
