package io.assay.redis;

import io.assay.config.ConfigException;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where Redis is, as {@code redis.url} says: one server, {@code redis://host:port} ({@code
 * rediss://} for TLS; a path selects the database), or a Redis Cluster by a seed list of some of
 * its nodes, {@code redis-cluster://host1:port1,host2:port2} ({@code rediss-cluster://} for TLS).
 * The client learns the rest of a cluster from any seed that answers, so two or three seeds on
 * different machines are enough. A {@code user:password@} before the hosts applies to every node.
 * Immutable.
 */
public final class RedisAddress {

  private static final String EXPECTED = "expected redis://host:port, rediss://host:port or"
      + " redis-cluster://host1:port1,host2:port2";

  private final boolean cluster;
  private final List<RedisURI> nodes;

  private RedisAddress(boolean cluster, List<RedisURI> nodes) {
    this.cluster = cluster;
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Reads the configured URL, {@code redis.url} (or {@code ASSAY_REDIS_URL}).
   *
   * @throws ConfigException naming the key, the value (without its password) and the forms
   *     expected
   */
  public static RedisAddress parseConfigured(String url) {
    try {
      return parse(url);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key 'redis.url' (or ASSAY_REDIS_URL): " + EXPECTED
          + ", found '" + withoutPassword(url) + "' (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Reads a URL of one of the forms above.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static RedisAddress parse(String url) {
    String trimmed = url == null ? "" : url.trim();
    int colon = trimmed.indexOf("://");
    if (colon < 0) {
      throw new IllegalArgumentException("no scheme");
    }
    String scheme = trimmed.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = trimmed.substring(colon + 3);
    switch (scheme) {
      case "redis", "rediss" -> {
        return new RedisAddress(false, List.of(node(scheme, rest)));
      }
      case "redis-cluster", "rediss-cluster" -> {
        String nodeScheme = scheme.startsWith("rediss") ? "rediss" : "redis";
        int at = rest.lastIndexOf('@');
        String user = at < 0 ? "" : rest.substring(0, at + 1);
        String hosts = rest.substring(at + 1);
        if (hosts.contains("/") && !hosts.endsWith("/") && !hosts.endsWith("/0")) {
          throw new IllegalArgumentException("a cluster has only database 0");
        }
        hosts = hosts.replaceAll("/0?$", "");
        List<RedisURI> seeds = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
          if (host.isBlank()) {
            throw new IllegalArgumentException("an empty host in the seed list");
          }
          seeds.add(node(nodeScheme, user + host.trim()));
        }
        return new RedisAddress(true, seeds);
      }
      default -> throw new IllegalArgumentException("unknown scheme '" + scheme + "'");
    }
  }

  private static RedisURI node(String scheme, String rest) {
    RedisURI uri;
    try {
      uri = RedisURI.create(scheme + "://" + rest);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("no host");
    }
    return uri;
  }

  /** Whether this names a Redis Cluster. */
  public boolean cluster() {
    return cluster;
  }

  /** The server, or the cluster's seeds; each carries the credentials and TLS setting. */
  public List<RedisURI> nodes() {
    return nodes;
  }

  /** Hosts and ports, never a password: for messages and logs. */
  public String describe() {
    String hosts = nodes.stream().map(n -> n.getHost() + ":" + n.getPort())
        .collect(Collectors.joining(","));
    return cluster ? "cluster " + hosts : hosts;
  }

  @Override
  public String toString() {
    return describe();
  }

  /** {@code url} with anything between {@code ://} and the last {@code @} masked. */
  static String withoutPassword(String url) {
    if (url == null) {
      return "";
    }
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    return scheme >= 0 && at > scheme ? url.substring(0, scheme + 3) + "***" + url.substring(at)
        : url;
  }
}
