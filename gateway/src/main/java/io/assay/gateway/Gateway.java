package io.assay.gateway;

import io.assay.config.ConfigException;
import io.assay.gateway.admin.AdminRoutes;
import io.assay.gateway.audit.EventStream;
import io.assay.gateway.audit.OutcomeRecorder;
import io.assay.gateway.checking.CheckQueue;
import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.state.Keys;
import io.assay.gateway.synthetic.SyntheticScheduler;
import io.assay.gateway.synthetic.TestFractions;
import io.assay.gateway.weights.TaskWeights;
import io.assay.gateway.weights.TaskWeightsFile;
import io.assay.gateway.weights.WeightsService;
import io.assay.checking.CheckingService;
import io.assay.gateway.api.ApiVerticle;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.auth.RateLimiter;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.files.PublishedFiles;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.gateway.miner.MinerClient;
import io.assay.gateway.routing.CapacityPoller;
import io.assay.gateway.routing.Dispatcher;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.assay.gateway.usage.GatewayMetrics;
import io.assay.gateway.usage.UsageRecorder;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import io.assay.protocol.SessionInitiator;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: state, identity, miner directory, capacity polling and the public API,
 * assembled from a {@link GatewayConfig}. {@link #start} blocks until the API listens (call it
 * from a main thread, never from an event loop); {@link #close} stops everything it started.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final PrivateRedis privateRedis;
  private final Redis redis;
  private final Identity identity;
  private final Vertx vertx;
  private final HttpClient minerHttp;
  private final MinerDirectory directory;
  private final CapacityPoller poller;
  private final ApiKeys keys;
  private final EventStream events;
  private final TaskWeights taskWeights;
  private final WeightsService weights;
  private final CheckingService checking;
  private final Clock clock;
  private final int port;

  private Gateway(Builder b) throws Exception {
    this.clock = b.clock;
    GatewayConfig cfg = b.config;
    PrivateRedis own = null;
    String redisUrl = cfg.redisUrl();
    if (redisUrl == null) {
      own = PrivateRedis.start(cfg.dataDir().resolve("redis"));
      redisUrl = own.url();
    }
    this.privateRedis = own;
    try {
      this.redis = Redis.connect(redisUrl);
      this.identity = Identity.loadOrCreate(cfg.identityFile());
      int listenPort = cfg.port() == 0 ? freePort() : cfg.port();
      this.config = cfg.withPort(listenPort);
      this.port = listenPort;

      Map<String, Task> tasks = bindTasks(b.kinds, config.tasks());
      Map<String, TaskConfig> taskConfigs = new LinkedHashMap<>();
      config.tasks().forEach(t -> taskConfigs.put(t.id(), t));

      this.vertx = Vertx.vertx();
      this.minerHttp = vertx.createHttpClient(
          new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
          new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(4096));
      this.directory = new MinerDirectory();
      SessionInitiator initiator = new SessionInitiator(identity, clock);
      for (MinerEntry entry : config.miners()) {
        directory.put(new MinerNode(client(entry, initiator)));
      }
      for (MinerEntry entry : b.extraMiners) {
        directory.put(new MinerNode(client(entry, initiator)));
      }
      this.events = new EventStream(redis);
      this.poller = new CapacityPoller(directory, taskConfigs, redis, events, clock,
          config.period());
      this.keys = new ApiKeys(redis, Duration.ofSeconds(30));

      GatewayMetrics metrics = new GatewayMetrics();
      UsageRecorder usage = new UsageRecorder(redis, metrics);
      OutcomeRecorder outcomes = new OutcomeRecorder(events, metrics, clock, config.period());
      DispatchListener listener = DispatchListener.all(outcomes, new CheckQueue(redis, clock,
          config.checking().organicShare(), new SplittableRandom()));
      // A 429 pauses a miner for at most 1/300 of a period (12 s of an hour): long enough not to
      // hammer a full miner, short enough that one declaring more than it serves keeps being
      // asked for its declaration, and pays for its 429s (SCORING.md section 3).
      Dispatcher dispatcher = new Dispatcher(directory, listener, clock,
          config.routing().maxAttempts(),
          Math.min(config.routing().failureCooldown().toMillis(), config.period().toMillis() / 4),
          Math.max(10, Math.min(12_000, config.period().toMillis() / 300)),
          new SplittableRandom());
      this.taskWeights = new TaskWeights(config.taskWeights(), events, redis, clock);
      this.weights = new WeightsService(vertx, events, redis, scoringParams(config, tasks),
          clock, poller::declaredThrough);
      await(runOnContext(() -> lastTaskWeights(redis).compose(taskWeights::recordInitial)
          .compose(v -> weights.loadLatest())), "record the task weights");

      this.checking = config.checking().embedded()
          ? CheckingService.start(config.checking().options().withRedisUrl(redisUrl)
              .withConsumerName("gateway-" + identity.hotkey().value().substring(0, 8))
              .withPort(0), b.kinds)
          : null;
      AtomicBoolean ready = new AtomicBoolean();
      ApiVerticle.Components components = new ApiVerticle.Components(config, b.kinds, tasks,
          keys, new RateLimiter(redis, clock), dispatcher, usage, metrics,
          new AdminRoutes(directory, weights, taskWeights, keys),
          new PublishedFiles(config.files().ttl(), config.files().maxBytes(), this::publicUrl),
          () -> checking == null ? "" : checking.metrics().render(),
          () -> ready.get() && redis.isOpen(), clock.millis() / 1000);

      await(runOnContext(poller::pollAll), "first capacity poll");
      long refresh = config.routing().capacityRefresh().toMillis();
      vertx.setPeriodic(refresh, refresh, id -> poller.pollAll());
      SyntheticScheduler scheduler = config.scoring().synthetic()
          ? new SyntheticScheduler(vertx, directory, tasks, dispatcher, outcomes,
              // Secure: a miner that could predict the draws would know its tests beforehand.
              TestFractions.defaults(), new java.security.SecureRandom(),
              config.period().toMillis())
          : null;
      startPeriodClock(scheduler, outcomes);
      long cadence = config.scoring().cadence().toMillis();
      vertx.setPeriodic(cadence, cadence, id -> weights.compute()
          .onFailure(e -> log.debug("weights not computed: {}", e.getMessage())));
      if (b.configFile != null) {
        new TaskWeightsFile(vertx, b.configFile, taskWeights).watch(Duration.ofSeconds(2));
      }
      int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
      await(vertx.deployVerticle(() -> new ApiVerticle(components),
          new DeploymentOptions().setInstances(instances)), "start the API server");
      ready.set(true);
      if (config.files().publicUrl() == null && !reachableHost().equals(config.host())) {
        log.warn("gateway.public_url is not set and the gateway listens on {}: image URLs will"
            + " name {}; set gateway.public_url to the address users reach", config.host(),
            publicUrl());
      }
      log.info("gateway {} listening on http://{}:{}/v1 with {} miners and tasks {}",
          identity.hotkey(), config.host(), port, directory.all().size(), tasks.keySet());
    } catch (Exception | Error e) {
      closeQuietly();
      throw e;
    }
  }

  public static Builder builder(GatewayConfig config) {
    return new Builder(config);
  }

  public int port() {
    return port;
  }

  /**
   * Where users reach this gateway, without a path: for URLs it hands out. Without {@code
   * gateway.public_url}, the address it listens on; on a wildcard address (all interfaces), the
   * loopback one, which only local users can reach: a warning at start says so.
   */
  private String publicUrl() {
    String configured = config.files().publicUrl();
    return configured != null ? configured : "http://" + reachableHost() + ":" + port;
  }

  private String reachableHost() {
    String host = config.host();
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1"
        : host;
  }

  public String baseUrl() {
    return "http://" + config.host() + ":" + port + "/v1";
  }

  public Hotkey hotkey() {
    return identity.hotkey();
  }

  public ApiKeys keys() {
    return keys;
  }

  public Redis redis() {
    return redis;
  }

  public MinerDirectory directory() {
    return directory;
  }

  public WeightsService weights() {
    return weights;
  }

  public TaskWeights taskWeights() {
    return taskWeights;
  }

  public EventStream events() {
    return events;
  }

  /**
   * Watches for period starts: at each, asks every miner for its capacity, then plans the
   * period's synthetic requests. The current period is planned at once for what is left of it.
   */
  private void startPeriodClock(SyntheticScheduler scheduler, OutcomeRecorder outcomes) {
    long periodMillis = config.period().toMillis();
    long[] current = {clock.millis() / periodMillis};
    if (scheduler != null) {
      vertx.runOnContext(v -> scheduler.plan(current[0], clock.millis()));
    }
    long tick = Math.max(100, Math.min(1000, periodMillis / 20));
    vertx.setPeriodic(tick, id -> {
      long period = clock.millis() / periodMillis;
      if (period == current[0]) {
        return;
      }
      current[0] = period;
      outcomes.forgetBefore(period - 1);
      poller.pollAll().onComplete(ar -> {
        if (scheduler != null) {
          scheduler.plan(period, clock.millis());
        }
      });
    });
  }

  /** The task weights last recorded in Redis ({@code new} of the newest change), or null. */
  private static Future<Map<String, Double>> lastTaskWeights(Redis redis) {
    return Redis.on(redis.commands().lindex(Keys.taskWeightChanges(), 0)).map(json -> {
      if (json == null) {
        return null;
      }
      try {
        com.fasterxml.jackson.databind.JsonNode node =
            io.assay.task.Json.MAPPER.readTree(json).get("new");
        Map<String, Double> out = new java.util.TreeMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
        return out;
      } catch (java.io.IOException e) {
        return null;
      }
    });
  }

  /** Runs {@code action} on the gateway's Vert.x and waits for it; for start-up and tools. */
  public <T> T call(java.util.function.Supplier<Future<T>> action, String what) {
    return await(runOnContext(action), what);
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (checking != null) {
      checking.stop();
    }
    try {
      if (vertx != null) {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      log.warn("stopping Vert.x: {}", e.getMessage());
    }
    if (redis != null) {
      redis.close();
    }
    if (privateRedis != null) {
      privateRedis.close();
    }
  }

  private MinerClient client(MinerEntry entry, SessionInitiator initiator) {
    Hotkey hotkey;
    try {
      hotkey = Hotkey.parse(entry.hotkey());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("miner " + entry.name() + ": hotkey '" + entry.hotkey()
          + "' is not valid: " + e.getMessage());
    }
    return new MinerClient(entry.name(), entry.url(), hotkey, initiator, minerHttp,
        config.routing().minerTimeout(), clock);
  }

  /** The configured scoring constants, with the tasks judged by response time (section 7). */
  public static io.assay.gateway.scoring.ScoringParams scoringParams(GatewayConfig config,
      Map<String, Task> tasks) {
    Map<String, Duration> timed = new java.util.TreeMap<>();
    tasks.forEach((id, task) -> task.responseTimeout().ifPresent(t -> timed.put(id, t)));
    return config.scoring().params().withResponseTimeTasks(timed);
  }

  /** Binds every configured task to its kind. */
  public static Map<String, Task> bindTasks(TaskKinds kinds, List<TaskConfig> configured) {
    Map<String, Task> tasks = new LinkedHashMap<>();
    for (int i = 0; i < configured.size(); i++) {
      TaskConfig t = configured.get(i);
      int index = i;
      TaskKind kind = kinds.byName(t.kind()).orElseThrow(() -> new ConfigException(
          "config key 'tasks[" + index + "].kind': unknown task kind '" + t.kind()
              + "'; known kinds: " + kinds.all().stream().map(TaskKind::name).toList()));
      tasks.put(t.id(), kind.bind(new TaskSpec(t.kind(), t.model(), t.maxCapacity(),
          t.unitsPerRequest())));
    }
    return tasks;
  }

  private <T> Future<T> runOnContext(java.util.function.Supplier<Future<T>> action) {
    io.vertx.core.Promise<T> promise = io.vertx.core.Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("gateway: timed out trying to " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("gateway: could not " + what + ": " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Start-up options beyond the configuration file. */
  public static final class Builder {
    private final GatewayConfig config;
    private TaskKinds kinds = TaskKinds.discover();
    private List<MinerEntry> extraMiners = List.of();
    private Clock clock = Clock.systemUTC();
    private java.nio.file.Path configFile;

    private Builder(GatewayConfig config) {
      this.config = config;
    }

    public Builder kinds(TaskKinds kinds) {
      this.kinds = kinds;
      return this;
    }

    /** Miners to route to besides those in the configuration (the devnet's own). */
    public Builder miners(List<MinerEntry> miners) {
      this.extraMiners = List.copyOf(miners);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** The file the configuration came from: its task weights are reloaded when it changes. */
    public Builder configFile(java.nio.file.Path file) {
      this.configFile = file;
      return this;
    }

    public Gateway start() throws Exception {
      return new Gateway(this);
    }
  }
}
