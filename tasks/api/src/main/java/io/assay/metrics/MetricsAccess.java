package io.assay.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may read {@code /metrics}: it names miners, tasks and traffic, so not anyone who can reach
 * a public port. With a token configured, a client sending it as a bearer token (compared in
 * constant time); without, clients on loopback only (a scraper on the same host, or behind a
 * proxy that adds the token). The gateway and the miner apply the same rule.
 */
public final class MetricsAccess {

  private MetricsAccess() {}

  /**
   * @param token the configured token; null when none is
   * @param authorization the request's {@code Authorization} header, or null
   * @param remoteHost the client's address as text, or null when unknown
   */
  public static boolean allowed(String token, String authorization, String remoteHost) {
    if (token != null) {
      String sent = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          ? authorization.substring(7).trim() : "";
      return MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
          token.getBytes(StandardCharsets.UTF_8));
    }
    return remoteHost != null && (remoteHost.startsWith("127.") || remoteHost.equals("::1")
        || remoteHost.equals("0:0:0:0:0:0:0:1"));
  }
}
