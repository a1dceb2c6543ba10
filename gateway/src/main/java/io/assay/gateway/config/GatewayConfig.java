package io.assay.gateway.config;

import io.assay.checking.CheckingOptions;
import io.assay.redis.RedisAddress;
import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.gateway.weights.TaskWeights;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the gateway is started with, immutable and checked once (see {@link #read}).
 *
 * @param host interface to listen on
 * @param port port to listen on (0 picks a free one)
 * @param dataDir where the identity, the private Redis' data and other state live
 * @param redisUrl a Redis to use, or null to start a private redis-server in {@code dataDir}
 * @param maxBodyBytes requests with larger bodies get 413
 * @param identityFile the validator's Ed25519 key file (created on first start)
 * @param files how files handed out by URL (generated images) are kept and addressed
 * @param routing how requests are spread over miners and retried
 * @param scoring scoring periods, cadence and constants
 * @param synthetic how miners are tested
 * @param checking which answers are checked, and whether a checking server runs in process
 * @param events how the scoring event stream is archived and trimmed
 * @param tasks the configured tasks
 * @param miners miners known at start (more can be registered at run time)
 */
public record GatewayConfig(
    String host,
    int port,
    Path dataDir,
    String redisUrl,
    int maxBodyBytes,
    Path identityFile,
    FilesConfig files,
    RoutingConfig routing,
    ScoringConfig scoring,
    SyntheticConfig synthetic,
    CheckingConfig checking,
    EventsConfig events,
    List<TaskConfig> tasks,
    List<MinerEntry> miners,
    ListenerConfig listener) {

  /**
   * The public listener's protections ({@code gateway.idle_timeout}, {@code
   * gateway.metrics_token}, {@code gateway.body_timeout}, {@code
   * gateway.max_connections_per_client}).
   *
   * @param idleTimeout a connection with no traffic for this long is closed
   * @param metricsToken the bearer token {@code /metrics} asks for; null: only loopback clients
   *     may read it
   * @param bodyTimeout a request whose body has not all arrived this long after it began gets
   *     408 and its connection is closed (slow bodies)
   * @param maxConnectionsPerClient connections one client address may hold open at once; more
   *     are closed as they open (slow headers, connection floods)
   * @param tls the certificate and key of HTTPS on the public listener; null for plain HTTP
   * @param maxRequestsInFlightPerKey requests one API key may have under way on this gateway
   *     at once (streams until they end); more get 429
   * @param headerTimeout a new connection whose first request's headers have not all arrived
   *     this long after it opened is closed (slow headers)
   */
  public record ListenerConfig(Duration idleTimeout, String metricsToken, Duration bodyTimeout,
      int maxConnectionsPerClient, Tls tls, int maxRequestsInFlightPerKey,
      Duration headerTimeout) {}

  /**
   * HTTPS on the public listener ({@code gateway.tls_cert}, {@code gateway.tls_key}).
   *
   * @param certificate PEM file: the server's certificate, then any intermediates
   * @param key PEM file: its private key (PKCS#8, or PKCS#1 RSA)
   */
  public record Tls(Path certificate, Path key) {

    /** Both keys or neither; each a readable file holding a PEM block of its kind. */
    static Tls read(ConfigNode gateway, Path baseDir) {
      String cert = gateway.string("tls_cert", "");
      String key = gateway.string("tls_key", "");
      if (cert.isBlank() && key.isBlank()) {
        return null;
      }
      if (cert.isBlank() || key.isBlank()) {
        String missing = cert.isBlank() ? "tls_cert" : "tls_key";
        throw new ConfigException("config key 'gateway." + missing + "' (or "
            + gateway.envName(missing) + "): HTTPS needs both gateway.tls_cert and"
            + " gateway.tls_key");
      }
      return new Tls(pem(gateway, baseDir, "tls_cert", cert, "CERTIFICATE-----"),
          pem(gateway, baseDir, "tls_key", key, "PRIVATE KEY-----"));
    }

    private static Path pem(ConfigNode gateway, Path baseDir, String name, String value,
        String block) {
      Path file = baseDir.resolve(value).normalize();
      String text;
      try {
        text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        throw new ConfigException("config key 'gateway." + name + "' (or "
            + gateway.envName(name) + "): cannot read " + file + ": " + e.getMessage());
      }
      if (!text.contains("-----BEGIN ") || !text.contains(block)) {
        throw new ConfigException("config key 'gateway." + name + "': " + file
            + " holds no PEM '" + block.replace("-----", "") + "' block");
      }
      return file;
    }
  }

  /**
   * @param maxAttempts miners tried for one request before the user sees 503
   * @param minerTimeout how long a miner may stay silent before it counts as failed
   * @param failureCooldown how long a failing miner is avoided
   * @param capacityRefresh how often every miner's {@code GET /capacity} is asked as a health
   *     check once its declaration for the period is bound
   */
  public record RoutingConfig(int maxAttempts, Duration minerTimeout, Duration failureCooldown,
      Duration capacityRefresh) {}

  /**
   * A configured task.
   *
   * @param kind task kind name
   * @param model public model id
   * @param weight share of the final weights (all tasks sum to 1)
   * @param maxCapacity the most a miner may declare per period; larger declarations are clamped
   * @param unitsPerRequest typical work units of one request
   * @param syntheticBudget {@code synthetic.budget} of this task: the most synthetic work units
   *     per period, all miners together
   * @param streamMinRate {@code stream.min_rate} of this task: work units per second a stream
   *     must keep up after {@code stream.ttft_max}
   * @param price credits charged per million work units served to a key with a credit balance
   *     ({@code tasks[].price}; 0: free)
   * @param attestation for a task run in a TEE ({@code tasks[].attestation}): what a miner's
   *     session must prove before it gets work; null for the others
   * @param organicCheckShare {@code p} of this task's organic answers ({@code
   *     tasks[].organic_share}, default {@code checking.organic_share}): a task whose checks
   *     cost little, such as a proof verified in milliseconds, can have every answer checked
   */
  public record TaskConfig(String kind, String model, double weight, long maxCapacity,
      long unitsPerRequest, long syntheticBudget, double streamMinRate, double price,
      io.assay.gateway.attestation.TaskAttestation attestation, double organicCheckShare) {

    /** A task's default test budget, in typical requests per period. */
    public static final long DEFAULT_BUDGET_REQUESTS = 10_000;

    public String id() {
      return kind + "/" + model;
    }

    /** This task at {@code credits} per million units. */
    public TaskConfig withPrice(double credits) {
      return new TaskConfig(kind, model, weight, maxCapacity, unitsPerRequest, syntheticBudget,
          streamMinRate, credits, attestation, organicCheckShare);
    }

    TaskConfig withWeight(double w) {
      return new TaskConfig(kind, model, w, maxCapacity, unitsPerRequest, syntheticBudget,
          streamMinRate, price, attestation, organicCheckShare);
    }

    /** The same with {@code max_capacity} set. */
    public TaskConfig withMaxCapacity(long units) {
      return new TaskConfig(kind, model, weight, units, unitsPerRequest, syntheticBudget,
          streamMinRate, price, attestation, organicCheckShare);
    }

    /** The same run in a TEE, as {@code attestation} requires (null: not attested). */
    public TaskConfig withAttestation(io.assay.gateway.attestation.TaskAttestation value) {
      return new TaskConfig(kind, model, weight, maxCapacity, unitsPerRequest, syntheticBudget,
          streamMinRate, price, value, organicCheckShare);
    }

    /** The same with {@code synthetic_budget} set. */
    public TaskConfig withSyntheticBudget(long units) {
      return new TaskConfig(kind, model, weight, maxCapacity, unitsPerRequest, units,
          streamMinRate, price, attestation, organicCheckShare);
    }
  }

  /**
   * @param organicShare {@code p} of an organic answer: the share queued for checking
   * @param syntheticShare {@code p} of a synthetic answer (1: every one is checked)
   * @param embedded whether this gateway runs a checking server in its own process
   * @param options how that checking server runs: the checking server's own keys ({@code batch,
   *     workers, claim_timeout, max_deliveries, verdict_timeout, upstreams, checkers}) read from
   *     the same section
   */
  public record CheckingConfig(double organicShare, double syntheticShare, boolean embedded,
      CheckingOptions options) {}

  /**
   * @param publicUrl the gateway's address as users reach it (scheme, host, port, no path), for
   *     URLs it hands out; null to use {@code http://host:port}
   * @param ttl how long a published file stays available
   * @param maxBytes the most bytes kept at once in Redis, by all gateways sharing it together;
   *     the oldest files go first beyond it
   */
  public record FilesConfig(String publicUrl, Duration ttl, long maxBytes) {}

  /**
   * A miner the gateway routes to.
   *
   * @param uid its uid on the chain, or null when not known (it is then left out of exports)
   */
  public record MinerEntry(String name, String url, String hotkey, Integer uid) {

    public MinerEntry(String name, String url, String hotkey) {
      this(name, url, hotkey, null);
    }
  }

  /** Reads {@code root}; relative paths are resolved against {@code baseDir}. */
  public static GatewayConfig read(ConfigNode root, Path baseDir) {
    ConfigNode gateway = root.section("gateway");
    String host = gateway.string("host", "127.0.0.1");
    int port = gateway.integer("port", 8080, 0, 65535);
    Path dataDir = baseDir.resolve(gateway.string("data_dir", "data/gateway")).normalize();
    int maxBody = gateway.integer("max_body_bytes", 2 * 1024 * 1024, 1024, 256 * 1024 * 1024);
    Path identity = dataDir.resolve(gateway.string("identity_file", "validator.key"));
    String publicUrl = gateway.string("public_url", "");
    if (!publicUrl.isBlank() && !publicUrl.matches("https?://[^/\\s]+/?")) {
      throw new ConfigException("config key 'gateway.public_url' (or ASSAY_GATEWAY_PUBLIC_URL):"
          + " expected scheme://host[:port] with no path, found '" + publicUrl + "'");
    }
    Duration idle = gateway.duration("idle_timeout", Duration.ofSeconds(60));
    if (idle.toSeconds() < 1) {
      throw new ConfigException("config key 'gateway.idle_timeout': must be at least 1s, was "
          + idle);
    }
    String metricsToken = gateway.string("metrics_token", "");
    Duration bodyTimeout = gateway.duration("body_timeout", Duration.ofSeconds(30));
    if (bodyTimeout.toMillis() < 100) {
      throw new ConfigException("config key 'gateway.body_timeout': must be at least 100ms, was "
          + bodyTimeout);
    }
    Duration headerTimeout = gateway.duration("header_timeout", Duration.ofSeconds(10));
    if (headerTimeout.toMillis() < 100) {
      throw new ConfigException("config key 'gateway.header_timeout': must be at least 100ms,"
          + " was " + headerTimeout);
    }
    ListenerConfig listener = new ListenerConfig(idle,
        metricsToken.isBlank() ? null : metricsToken, bodyTimeout,
        gateway.integer("max_connections_per_client", 4096, 1, 1_000_000),
        Tls.read(gateway, baseDir),
        gateway.integer("max_requests_in_flight_per_key", 1024, 1, 1_000_000),
        headerTimeout);
    Duration filesTtl = gateway.duration("files_ttl", Duration.ofHours(1));
    if (filesTtl.toSeconds() < 1) {
      throw new ConfigException("config key 'gateway.files_ttl': must be at least 1s (a URL"
          + " handed out must work long enough to be fetched), was " + filesTtl);
    }
    FilesConfig files = new FilesConfig(
        publicUrl.isBlank() ? null : publicUrl.replaceAll("/$", ""), filesTtl,
        gateway.longValue("files_max_bytes", 512L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE));

    ConfigNode redis = root.section("redis");
    String redisUrl = redis.string("url", "");
    if (redisUrl.isBlank()) {
      redisUrl = null;
    } else {
      RedisAddress.parseConfigured(redisUrl);
    }

    ConfigNode r = root.section("routing");
    RoutingConfig routing = new RoutingConfig(
        r.integer("max_attempts", 3, 1, 20),
        r.duration("miner_timeout", Duration.ofSeconds(60)),
        r.duration("failure_cooldown", Duration.ofSeconds(10)),
        r.duration("capacity_refresh", Duration.ofSeconds(30)));

    ScoringConfig scoring = ScoringConfig.read(root);
    SyntheticConfig synthetic = SyntheticConfig.read(root, baseDir);
    double minRate = scoring.streamMinRate();
    ConfigNode c = root.section("checking");
    CheckingConfig checking = new CheckingConfig(c.decimal("organic_share", 0.1, 0, 1),
        c.decimal("synthetic_share", 1, 0.000001, 1), c.bool("embedded", true),
        CheckingOptions.read(c, redisUrl));
    EventsConfig events = EventsConfig.read(root, dataDir, checking.options().verdictTimeout());

    List<TaskConfig> tasks = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (ConfigNode t : root.sections("tasks")) {
      long unitsPerRequest = t.longValue("units_per_request", 64, 1, Long.MAX_VALUE / 1_000_000);
      TaskConfig task = new TaskConfig(
          t.requiredString("kind"),
          t.requiredString("model"),
          t.decimal("weight", 0, 0, 1),
          t.longValue("max_capacity", 100_000_000L, 0, Long.MAX_VALUE),
          unitsPerRequest,
          t.longValue("synthetic_budget", unitsPerRequest * TaskConfig.DEFAULT_BUDGET_REQUESTS, 1,
              Long.MAX_VALUE),
          t.decimal("stream_min_rate", minRate, 0, 1e12),
          t.decimal("price", 0, 0, 1e12),
          t.has("attestation")
              ? io.assay.gateway.attestation.TaskAttestation.read(t.section("attestation"),
                  baseDir)
              : null,
          t.decimal("organic_share", checking.organicShare(), 0, 1));
      if (!ids.add(task.id())) {
        throw new ConfigException("config key '" + t.path() + "': task " + task.id()
            + " is configured twice");
      }
      tasks.add(task);
    }
    if (tasks.isEmpty()) {
      throw new ConfigException("config key 'tasks' is empty: configure at least one task");
    }
    java.util.Map<String, Double> weights = new java.util.TreeMap<>();
    tasks.forEach(t -> weights.put(t.id(), t.weight()));
    try {
      TaskWeights.validate(weights, java.util.Set.of());
    } catch (TaskWeights.InvalidWeightsException e) {
      throw new ConfigException("config key 'tasks[*].weight': " + e.getMessage());
    }

    List<MinerEntry> miners = new ArrayList<>();
    for (ConfigNode m : root.sections("miners")) {
      String uid = m.string("uid", "");
      miners.add(new MinerEntry(m.requiredString("name"), m.requiredString("url"),
          m.requiredString("hotkey"), uid.isBlank() ? null : m.integer("uid", 0, 0, 65535)));
    }
    root.rejectUnknownKeys();
    return new GatewayConfig(host, port, dataDir, redisUrl, maxBody, identity, files, routing,
        scoring, synthetic, checking, events, List.copyOf(tasks), List.copyOf(miners),
        listener);
  }

  /** Where events trimmed from the stream are archived. */
  public Path archiveDir() {
    return events.archiveDir() != null ? events.archiveDir() : dataDir.resolve("events-archive");
  }

  /** Length of a scoring period. */
  /** {@code https} when the public listener has TLS, else {@code http}. */
  public String scheme() {
    return listener.tls() != null ? "https" : "http";
  }

  public Duration period() {
    return scoring.period();
  }

  /** Configured task weights by task id. */
  public java.util.Map<String, Double> taskWeights() {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    tasks.forEach(t -> out.put(t.id(), t.weight()));
    return out;
  }

  public GatewayConfig withPort(int newPort) {
    return new GatewayConfig(host, newPort, dataDir, redisUrl, maxBodyBytes, identityFile, files,
        routing, scoring, synthetic, checking, events, tasks, miners, listener);
  }

  /** This configuration with {@code routing.miner_timeout} set. */
  public GatewayConfig withMinerTimeout(Duration timeout) {
    RoutingConfig r = new RoutingConfig(routing.maxAttempts(), timeout,
        routing.failureCooldown(), routing.capacityRefresh());
    return new GatewayConfig(host, port, dataDir, redisUrl, maxBodyBytes, identityFile, files,
        r, scoring, synthetic, checking, events, tasks, miners, listener);
  }

  public GatewayConfig withDataDir(Path dir) {
    return new GatewayConfig(host, port, dir, redisUrl, maxBodyBytes,
        dir.resolve(identityFile.getFileName()), files, routing, scoring, synthetic, checking,
        events, tasks, miners, listener);
  }

  /**
   * This configuration with only the tasks of {@code kinds}, their weights scaled to sum to 1
   * again: for devnets and tests that exercise some kinds only.
   *
   * @throws ConfigException when no configured task is of those kinds
   */
  public GatewayConfig withTasksOf(java.util.Set<String> kinds) {
    List<TaskConfig> kept = tasks.stream().filter(t -> kinds.contains(t.kind())).toList();
    double sum = kept.stream().mapToDouble(TaskConfig::weight).sum();
    if (kept.isEmpty() || sum <= 0) {
      throw new ConfigException("no weighted task of kinds " + kinds + " is configured");
    }
    List<TaskConfig> scaled = kept.stream().map(t -> t.withWeight(t.weight() / sum)).toList();
    return new GatewayConfig(host, port, dataDir, redisUrl, maxBodyBytes, identityFile, files,
        routing, scoring, synthetic, checking, events, scaled, miners, listener);
  }

  /**
   * This configuration on a clock compressed to periods of {@code period}: scoring's windows,
   * grace and cadence, and the organic traffic synthetic requests wait for, all shrink by the
   * same factor (see {@link ScoringConfig#compressed}, {@link SyntheticConfig#compressed}).
   */
  public GatewayConfig withPeriod(Duration period) {
    double factor = (double) period.toMillis() / period().toMillis();
    return new GatewayConfig(host, port, dataDir, redisUrl, maxBodyBytes, identityFile, files,
        routing, scoring.compressed(period), synthetic.compressed(factor), checking, events,
        tasks, miners, listener);
  }

  /** This configuration with every task of {@code kind} changed by {@code change}. */
  public GatewayConfig withTasks(String kind,
      java.util.function.UnaryOperator<TaskConfig> change) {
    List<TaskConfig> changed = tasks.stream().map(t -> !t.kind().equals(kind) ? t
        : change.apply(t)).toList();
    return new GatewayConfig(host, port, dataDir, redisUrl, maxBodyBytes, identityFile, files,
        routing, scoring, synthetic, checking, events, changed, miners, listener);
  }

  /** This configuration with synthetic traffic on or off. */
  public GatewayConfig withSynthetic(boolean enabled) {
    return new GatewayConfig(host, port, dataDir, redisUrl, maxBodyBytes, identityFile, files,
        routing, scoring, synthetic.withEnabled(enabled), checking, events, tasks, miners,
        listener);
  }
}
