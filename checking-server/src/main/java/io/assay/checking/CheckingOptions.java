package io.assay.checking;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.redis.RedisAddress;
import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.UpstreamConfig;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a checking server runs. Immutable; checked when built.
 *
 * @param redisUrl the shared Redis, e.g. {@code redis://127.0.0.1:6379}, or a Redis Cluster,
 *     {@code redis-cluster://host1:port1,host2:port2} (see {@link RedisAddress}); null when none is
 *     configured (a standalone server then refuses to start, an embedded one is given the
 *     gateway's)
 * @param consumerName this server's name in the consumer group; unique per running server
 * @param batch most queue entries read at once
 * @param workers checking threads; checkers run their models on them
 * @param claimTimeout how long an entry may stay unacknowledged before another server takes it
 *     over; longer than the slowest batch check
 * @param maxDeliveries how many times an entry is tried before it goes to the dead letters
 * @param verdictTimeout an answer without a verdict this long after it was queued gets a
 *     {@code check_failed} event; a dead letter's cause is {@code service} when its task had no
 *     verdict within this time before
 * @param host interface the health and metrics endpoints listen on
 * @param port port of the health and metrics endpoints; 0 for none
 * @param upstreams model servers that check tasks the reference models cannot, by task id
 *     ({@code kind/model}); a task listed here is checked through its server
 * @param checkerSettings each kind's checker settings (thresholds) as configured under {@code
 *     checking.checkers.<kind>}, read by the kind; checked when the service starts
 */
public record CheckingOptions(
    String redisUrl,
    String consumerName,
    int batch,
    int workers,
    Duration claimTimeout,
    int maxDeliveries,
    Duration verdictTimeout,
    String host,
    int port,
    Map<String, UpstreamConfig> upstreams,
    Map<String, JsonNode> checkerSettings) {

  public static final int DEFAULT_BATCH = 64;
  public static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_DELIVERIES = 5;
  public static final Duration DEFAULT_VERDICT_TIMEOUT = Duration.ofMinutes(10);
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8090;

  public CheckingOptions {
    Objects.requireNonNull(consumerName, "consumerName");
    Objects.requireNonNull(claimTimeout, "claimTimeout");
    Objects.requireNonNull(verdictTimeout, "verdictTimeout");
    Objects.requireNonNull(host, "host");
    upstreams = Map.copyOf(upstreams);
    checkerSettings = Map.copyOf(checkerSettings);
    if (redisUrl != null && redisUrl.isBlank()) {
      redisUrl = null;
    }
    if (consumerName.isBlank()) {
      throw new IllegalArgumentException("consumerName must not be blank");
    }
    if (batch < 1 || workers < 1 || maxDeliveries < 1) {
      throw new IllegalArgumentException("batch, workers and maxDeliveries must be >= 1, were "
          + batch + ", " + workers + " and " + maxDeliveries);
    }
    if (claimTimeout.isNegative() || claimTimeout.isZero()) {
      throw new IllegalArgumentException("claimTimeout must be positive, was " + claimTimeout);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
    }
  }

  /** Every default, reading from {@code redisUrl}. */
  public static CheckingOptions defaults(String redisUrl) {
    return new CheckingOptions(redisUrl, defaultConsumerName(), DEFAULT_BATCH, defaultWorkers(),
        DEFAULT_CLAIM_TIMEOUT, DEFAULT_MAX_DELIVERIES, DEFAULT_VERDICT_TIMEOUT, DEFAULT_HOST,
        DEFAULT_PORT, Map.of(), Map.of());
  }

  /**
   * Reads {@code redis.url} and the {@code checking} section of a configuration root. {@code
   * ASSAY_REDIS_URL} and the other environment variables override the file as usual.
   *
   * @throws ConfigException naming the key when a value is unusable
   */
  public static CheckingOptions read(ConfigNode root) {
    ConfigNode redis = root.section("redis");
    String url = redis.string("url", null);
    if (url != null && !url.isBlank()) {
      RedisAddress.parseConfigured(url);
    }
    return read(root.section("checking"), url);
  }

  /**
   * Reads a {@code checking} section the caller already holds (the gateway's, when embedded),
   * with the Redis URL it uses. Keys: {@code consumer, batch, workers, claim_timeout,
   * max_deliveries, host, port, upstreams, checkers}.
   *
   * @throws ConfigException naming the key when a value is unusable
   */
  public static CheckingOptions read(ConfigNode checking, String redisUrl) {
    String consumer = checking.string("consumer", null);
    if (consumer != null && consumer.isBlank()) {
      throw new ConfigException("config key '" + checking.path()
          + ".consumer' must not be blank (leave it out for host name and process id)");
    }
    return new CheckingOptions(
        redisUrl == null ? null : redisUrl.trim(),
        consumer == null ? defaultConsumerName() : consumer.trim(),
        checking.integer("batch", DEFAULT_BATCH, 1, 10_000),
        checking.integer("workers", defaultWorkers(), 1, 1_024),
        checking.duration("claim_timeout", DEFAULT_CLAIM_TIMEOUT),
        checking.integer("max_deliveries", DEFAULT_MAX_DELIVERIES, 1, 1_000),
        checking.duration("verdict_timeout", DEFAULT_VERDICT_TIMEOUT),
        checking.string("host", DEFAULT_HOST),
        checking.integer("port", DEFAULT_PORT, 0, 65_535),
        readUpstreams(checking),
        checking.subtrees("checkers"));
  }

  public CheckingOptions withRedisUrl(String url) {
    return new CheckingOptions(url, consumerName, batch, workers, claimTimeout, maxDeliveries,
        verdictTimeout, host, port, upstreams, checkerSettings);
  }

  public CheckingOptions withConsumerName(String name) {
    return new CheckingOptions(redisUrl, name, batch, workers, claimTimeout, maxDeliveries,
        verdictTimeout, host, port, upstreams, checkerSettings);
  }

  public CheckingOptions withBatch(int n) {
    return new CheckingOptions(redisUrl, consumerName, n, workers, claimTimeout, maxDeliveries,
        verdictTimeout, host, port, upstreams, checkerSettings);
  }

  public CheckingOptions withWorkers(int n) {
    return new CheckingOptions(redisUrl, consumerName, batch, n, claimTimeout, maxDeliveries,
        verdictTimeout, host, port, upstreams, checkerSettings);
  }

  public CheckingOptions withClaimTimeout(Duration timeout) {
    return new CheckingOptions(redisUrl, consumerName, batch, workers, timeout, maxDeliveries,
        verdictTimeout, host, port, upstreams, checkerSettings);
  }

  public CheckingOptions withMaxDeliveries(int n) {
    return new CheckingOptions(redisUrl, consumerName, batch, workers, claimTimeout, n,
        verdictTimeout, host, port, upstreams, checkerSettings);
  }

  public CheckingOptions withUpstreams(Map<String, UpstreamConfig> servers) {
    return new CheckingOptions(redisUrl, consumerName, batch, workers, claimTimeout,
        maxDeliveries, verdictTimeout, host, port, servers, checkerSettings);
  }

  public CheckingOptions withCheckerSettings(Map<String, JsonNode> settings) {
    return new CheckingOptions(redisUrl, consumerName, batch, workers, claimTimeout,
        maxDeliveries, verdictTimeout, host, port, upstreams, settings);
  }

  public CheckingOptions withVerdictTimeout(Duration timeout) {
    return new CheckingOptions(redisUrl, consumerName, batch, workers, claimTimeout,
        maxDeliveries, timeout, host, port, upstreams, checkerSettings);
  }

  public CheckingOptions withPort(int p) {
    return new CheckingOptions(redisUrl, consumerName, batch, workers, claimTimeout,
        maxDeliveries, verdictTimeout, host, p, upstreams, checkerSettings);
  }

  /**
   * Reads {@code checking.upstreams}: a list of {@code {task, base_url, model, api_key, timeout,
   * chat_template}}, one per task checked through a model server.
   */
  private static Map<String, UpstreamConfig> readUpstreams(ConfigNode checking) {
    Map<String, UpstreamConfig> out = new LinkedHashMap<>();
    for (ConfigNode u : checking.sections("upstreams")) {
      String task = u.requiredString("task");
      if (!task.matches("[^/\\s]+/\\S+")) {
        throw new ConfigException("config key '" + u.path() + ".task': expected kind/model,"
            + " found '" + task + "'");
      }
      URI baseUrl;
      try {
        baseUrl = URI.create(u.requiredString("base_url"));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key '" + u.path() + ".base_url': not a URL", e);
      }
      String template = u.string("chat_template", null);
      UpstreamConfig config = new UpstreamConfig(baseUrl, u.requiredString("model"),
          u.string("api_key", null), u.duration("timeout", Duration.ofSeconds(60)),
          template == null ? Map.of() : Map.of("chat_template", template));
      if (out.put(task, config) != null) {
        throw new ConfigException("config key '" + u.path() + ".task': " + task
            + " has two upstreams");
      }
    }
    return out;
  }

  /** Most entries held at once, read but not yet acknowledged or given up: the backpressure. */
  int maxInFlight() {
    return batch * Math.max(2, workers);
  }

  /** Host name and process id, e.g. {@code checker-7-4711}. */
  static String defaultConsumerName() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "checker";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  private static int defaultWorkers() {
    return Runtime.getRuntime().availableProcessors();
  }
}
