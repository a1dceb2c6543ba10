package io.assay.gateway;

import io.assay.config.ConfigException;
import io.assay.gateway.admin.AdminRoutes;
import io.assay.gateway.admin.Dashboard;
import io.assay.gateway.audit.EventStream;
import io.assay.gateway.audit.OutcomeRecorder;
import io.assay.gateway.checking.CheckQueue;
import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.state.Keys;
import io.assay.checking.VerdictTimeouts;
import io.assay.gateway.period.PeriodClock;
import io.assay.gateway.weights.WeightsExport;
import io.assay.gateway.receipts.ReceiptArchive;
import io.assay.gateway.receipts.ReceiptAudit;
import io.assay.gateway.receipts.ReceiptBook;
import io.assay.gateway.period.Timeline;
import io.assay.gateway.routing.StreamWatch;
import io.assay.gateway.scoring.EventLog;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringParams;
import io.assay.gateway.synthetic.Corpus;
import io.assay.gateway.synthetic.OrganicSamples;
import io.assay.gateway.synthetic.SyntheticSender;
import io.assay.gateway.synthetic.SyntheticSource;
import io.assay.gateway.synthetic.TestWindows;
import io.assay.gateway.weights.TaskWeights;
import io.assay.gateway.weights.TaskWeightsFile;
import io.assay.gateway.weights.WeightsFence;
import io.assay.gateway.weights.WeightsService;
import io.assay.gateway.leader.LeaderLease;
import io.assay.gateway.synthetic.PlanBook;
import io.assay.checking.CheckQueueGauges;
import io.assay.checking.CheckingService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.assay.gateway.api.ApiVerticle;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.auth.RateLimiter;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.files.PublishedFiles;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.gateway.miner.MinerClient;
import io.assay.gateway.routing.CapacityLedger;
import io.assay.gateway.routing.CapacityPoller;
import io.assay.gateway.routing.Dispatcher;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.state.OldKeyNames;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.StoreCompaction;
import io.assay.gateway.metrics.GatewayMetrics;
import io.assay.gateway.metrics.MinerGauges;
import io.assay.gateway.usage.TrafficSeries;
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

  /** Connections to one miner, at most: above any concurrency a real miner declares. */
  static final int MAX_CONNECTIONS_PER_MINER = 4096;

  /**
   * The leader lease's length: a leader that dies is replaced within {@code 4/3} of it (8 s), a
   * leader that cannot reach Redis stops acting as one after half of it.
   */
  static final Duration LEASE = Duration.ofSeconds(6);

  /** The file in the data directory naming the last process's lease id. */
  private static final String HOLDER_FILE = "leader-holder";


  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final PrivateRedis privateRedis;
  private final Redis redis;
  private final Identity identity;
  private final Vertx vertx;
  /** The API server's deployment: undeployed first on close, so requests under way finish. */
  private volatile String apiDeployment;
  private final HttpClient minerHttp;
  private final MinerDirectory directory;
  private final CapacityPoller poller;
  private final Timeline timeline;
  private final ApiKeys keys;
  private final EventStream events;
  private final TaskWeights taskWeights;
  private final ReceiptAudit receiptAudit;
  private final WeightsService weights;
  private final java.util.concurrent.ExecutorService scoring;
  private final LeaderLease lease;
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
      OldKeyNames.move(redis);
      this.identity = Identity.loadOrCreate(cfg.identityFile());
      int listenPort = cfg.port() == 0 ? freePort() : cfg.port();
      this.config = cfg.withPort(listenPort);
      this.port = listenPort;

      Map<String, Task> tasks = bindTasks(b.kinds, config.tasks());
      Map<String, TaskConfig> taskConfigs = new LinkedHashMap<>();
      config.tasks().forEach(t -> taskConfigs.put(t.id(), t));

      this.vertx = Vertx.vertx();
      // Routing never has more requests in flight at a miner than the concurrency it declared
      // (TaskCapacity), so the connection pool must not be a second, lower limit that queues
      // streams behind one another; it only bounds what a miner declaring absurd concurrency
      // can make the gateway open.
      this.minerHttp = vertx.createHttpClient(
          new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
          new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS_PER_MINER)
              .setMaxWaitQueueSize(MAX_CONNECTIONS_PER_MINER));
      String holder = leaseHolder(identity);
      this.lease = new LeaderLease(redis, vertx, holder, predecessor(cfg.dataDir()), LEASE);
      recordHolder(cfg.dataDir(), holder);
      this.directory = new MinerDirectory();
      SessionInitiator initiator = new SessionInitiator(identity, clock);
      Map<String, io.assay.gateway.attestation.TaskAttestation> attested =
          new java.util.HashMap<>();
      for (GatewayConfig.TaskConfig task : config.tasks()) {
        if (task.attestation() != null) {
          attested.put(task.id(), task.attestation());
        }
      }
      for (MinerEntry entry : allMiners(b)) {
        directory.put(new MinerNode(client(entry, initiator, attested)));
      }
      this.events = new EventStream(redis);
      this.keys = new ApiKeys(redis, Duration.ofSeconds(30));
      ScoringParams params = scoringParams(config, tasks);
      long periodMillis = config.period().toMillis();

      // One registry per gateway, never the client's global one: tests run several gateways.
      GatewayMetrics metrics = new GatewayMetrics(new PrometheusRegistry(), clock);
      RateLimiter limiter = new RateLimiter(redis, clock);
      Map<String, Double> prices = new LinkedHashMap<>();
      taskConfigs.forEach((id, t) -> prices.put(id, t.price()));
      UsageRecorder usage = new UsageRecorder(redis, limiter,
          id -> prices.getOrDefault(id, 0.0), clock);
      // Receipts stay in Redis until their period's root is checked, a period later at most.
      long receiptCheckDelay = config.events().receiptCheckDelay(config.period()).toMillis();
      ReceiptBook receipts = new ReceiptBook(redis, periodMillis, receiptCheckDelay + periodMillis);
      this.receiptAudit = new ReceiptAudit(directory, receipts, redis,
          new ReceiptArchive(config.archiveDir()), identity.hotkey(), clock,
          Duration.ofDays(7).toMillis());
      DispatchListener listener = DispatchListener.all(
          new OutcomeRecorder(events, metrics, clock, periodMillis), new CheckQueue(redis, clock),
          receipts);
      StreamWatch streams = new StreamWatch(vertx, clock, params.streamTtftMax());
      // A 429 pauses a miner for at most 1/300 of a period (12 s of an hour): a miner is never
      // asked beyond its declaration, so its 429s are its own refusals, and one that claims a
      // long pause must not escape being asked for what it declared (SCORING.md section 3).
      Dispatcher dispatcher = new Dispatcher(directory, listener, clock,
          new Dispatcher.Settings(config.routing().maxAttempts(),
              Math.min(config.routing().failureCooldown().toMillis(), periodMillis / 4),
              Math.max(10, Math.min(12_000, periodMillis / 300)), periodMillis,
              organicCheckShares(config), config.checking().syntheticShare()),
          new SplittableRandom(), streams, task -> params.task(task).minRate());
      this.taskWeights = new TaskWeights(config.taskWeights(), events, redis, clock);
      if (config.events().trim()) {
        checkWritable(config.archiveDir());
      }
      this.scoring = scoringExecutor();
      this.weights = new WeightsService(vertx, events, redis, clock, directory::applyScores,
          new WeightsService.Settings(
              io.assay.gateway.scoring.Retention.withMargin(config.events().margin()),
              config.events().trim()
                  ? new io.assay.gateway.audit.EventArchive(config.archiveDir()) : null,
              scoring, metrics::scoringEvent, new WeightsFence(redis, lease::token)));
      MinerGauges.register(metrics.registry(), directory,
          () -> Math.floorDiv(clock.millis(), periodMillis), weights::latest);
      CheckQueueGauges queue = CheckQueueGauges.register(metrics.registry(), redis.commands());
      metrics.beforeScrape(queue::refresh);
      await(runOnContext(() -> lastTaskWeights(redis).compose(taskWeights::recordInitial)
          .compose(v -> recordParams(params, allMiners(b)))
          .compose(v -> weights.loadLatest())), "record the scoring parameters and task weights");

      this.checking = config.checking().embedded()
          ? CheckingService.start(config.checking().options().withRedisUrl(redisUrl)
              .withConsumerName("gateway-" + identity.hotkey().value().substring(0, 8))
              .withPort(0), b.kinds, metrics.registry())
          : null;

      io.vertx.core.Context schedule = vertx.getOrCreateContext();
      this.timeline = new Timeline(schedule, clock, Math.max(5, Math.min(50, periodMillis / 400)));
      OrganicSamples organic = new OrganicSamples();
      long keepPlans = 3 * periodMillis + params.declarationGrace().toMillis();
      // Every gateway leases the capacity it routes from one ledger, so however many share the
      // store, no miner is asked for more than it declared, in volume or at once.
      CapacityLedger ledger = new CapacityLedger(redis, keepPlans, lease::share);
      TestWindows windows = null;
      if (config.synthetic().enabled()) {
        // Secure: a miner that could predict the draws would know its tests beforehand.
        java.security.SecureRandom secure = new java.security.SecureRandom();
        Corpus corpus = config.synthetic().corpus() == null ? Corpus.empty()
            : Corpus.load(config.synthetic().corpus(), b.kinds, tasks);
        SyntheticSender sender = new SyntheticSender(dispatcher,
            new SyntheticSource(organic, corpus, config.synthetic().minOrganic(),
                config.synthetic().replayShare()), secure);
        windows = new TestWindows(directory, tasks, id -> taskConfigs.get(id).syntheticBudget(),
            timeline, sender, e -> events.append(e).onFailure(x -> log.warn(
                "scoring event lost: {}", x.getMessage())),
            config.scoring().testFractions(), secure, periodMillis,
            params.declarationGrace().toMillis(), config.synthetic().maxConsecutiveFailures(),
            new TestWindows.Sharing(new PlanBook(redis, keepPlans), lease::isLeader, ledger));
      }
      TestWindows planned = windows;
      Map<String, Long> maxCapacity = new LinkedHashMap<>();
      taskConfigs.forEach((id, t) -> maxCapacity.put(id, t.maxCapacity()));
      this.poller = new CapacityPoller(directory, maxCapacity, redis, events, timeline,
          periodMillis, params.declarationGrace().toMillis(),
          (node, task, cap) -> {
            if (planned != null) {
              planned.bound(node, task, cap);
            }
          }, ledger);
      CapacityPoller polls = poller;
      // Work done once per validator, by the gateway that leads (DESIGN.md, "State"): the test
      // plans, the receipt-root checks, the verdict sweeps and the weight computations. Windows
      // are drawn before declarations are polled, so each declaration that binds in the grace
      // window is held for its task's window (planned.bound above).
      AtomicBoolean periodsOpened = new AtomicBoolean();
      PeriodClock periods = new PeriodClock(timeline, periodMillis, (period, graceFrom) -> {
        if (planned != null && lease.isLeader()) {
          planned.openPeriod(period, graceFrom).onFailure(e -> log.warn(
              "period {}: test windows not planned: {}", period, e.getMessage()));
        } else if (planned != null) {
          timeline.at(graceFrom + params.declarationGrace().toMillis(),
              () -> planned.follow(period));
        }
        // The previous period's answers have had receiptCheckDelay to finish by then.
        timeline.at(period * periodMillis + receiptCheckDelay, () -> {
          if (lease.isLeader()) {
            receiptAudit.check(period - 1).onFailure(e -> log.warn("receipt roots of period {}"
                + " not checked: {}", period - 1, e.getMessage()));
          }
        });
        periodsOpened.set(true);
        return polls.openPeriod(period, graceFrom);
      }, polls::healthCheck, config.routing().capacityRefresh().toMillis());
      // A gateway that comes to lead mid-period carries on with the period's plans, and ends the
      // windows of the previous one that ended after its leader died.
      lease.onGained(token -> {
        if (planned != null && periodsOpened.get()) {
          long period = Math.floorDiv(timeline.now(), periodMillis);
          for (long p : new long[] {period - 1, period}) {
            planned.resume(p).onFailure(e -> log.warn("period {}: test windows not resumed: {}",
                p, e.getMessage()));
          }
        }
      });
      VerdictTimeouts timeouts = new VerdictTimeouts(redis.commands(),
          config.checking().options().verdictTimeout());
      long sweep = Math.max(1000, Math.min(30_000,
          config.checking().options().verdictTimeout().toMillis() / 10));
      vertx.setPeriodic(sweep, sweep, id -> {
        if (lease.isLeader()) {
          timeouts.sweep(clock.millis()).exceptionally(e -> {
            log.debug("verdict timeouts not swept: {}", e.getMessage());
            return 0;
          });
        }
      });
      if (privateRedis != null) {
        new StoreCompaction(redis).schedule(vertx);
      }
      AtomicBoolean ready = new AtomicBoolean();
      TrafficSeries traffic = new TrafficSeries(clock::millis);
      ApiVerticle.Components components = new ApiVerticle.Components(config, b.kinds, tasks,
          keys, limiter, dispatcher, usage, metrics, organic,
          new AdminRoutes(directory, weights, taskWeights, keys, receiptAudit,
              config.scoring().chain().netuid() == null ? null
                  : report -> WeightsExport.of(report, config.scoring().chain().netuid(),
                      config.scoring().chain().versionKey(), identity), traffic, lease)::mount,
          new PublishedFiles(redis, config.files().ttl(), config.files().maxBytes(),
              this::publicUrl),
          () -> ready.get() && redis.isOpen(), clock.millis() / 1000,
          Dashboard.load()::mount, traffic);

      await(runOnContext(() -> {
        io.vertx.core.Promise<Void> first = io.vertx.core.Promise.promise();
        schedule.runOnContext(v -> lease.start().compose(led -> periods.start())
            .onComplete(first));
        return first.future();
      }), "first capacity poll");
      long cadence = config.scoring().cadence().toMillis();
      vertx.setPeriodic(cadence, cadence, id -> {
        if (lease.isLeader()) {
          weights.compute().onFailure(e -> log.debug("weights not computed: {}", e.getMessage()));
        }
      });
      // The other gateways route by the leader's computations.
      long follow = Math.min(cadence, 5_000);
      vertx.setPeriodic(follow, follow, id -> {
        if (!lease.isLeader()) {
          weights.loadLatest().onFailure(e -> log.debug("weights not loaded: {}",
              e.getMessage()));
        }
      });
      if (b.configFile != null) {
        new TaskWeightsFile(vertx, b.configFile, taskWeights).watch(Duration.ofSeconds(2));
      }
      int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
      try {
        apiDeployment = await(vertx.deployVerticle(ApiVerticle.instances(components),
            new DeploymentOptions().setInstances(instances)), "start the API server");
      } catch (IllegalStateException e) {
        if (config.listener().tls() != null) {
          // A PEM that reads as one but does not hold a usable certificate or key.
          throw new io.assay.config.ConfigException("config keys 'gateway.tls_cert' and"
              + " 'gateway.tls_key' (" + config.listener().tls().certificate() + ", "
              + config.listener().tls().key() + "): " + e.getMessage());
        }
        throw e;
      }
      ready.set(true);
      if (config.files().publicUrl() == null && !reachableHost().equals(config.host())) {
        log.warn("gateway.public_url is not set and the gateway listens on {}: image URLs will"
            + " name {}; set gateway.public_url to the address users reach", config.host(),
            publicUrl());
      }
      log.info("gateway {} listening on {}://{}:{}/v1 with {} miners and tasks {}",
          identity.hotkey(), config.scheme(), config.host(), port, directory.all().size(),
          tasks.keySet());
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
    return configured != null ? configured
        : config.scheme() + "://" + reachableHost() + ":" + port;
  }

  private String reachableHost() {
    String host = config.host();
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1"
        : host;
  }

  public String baseUrl() {
    return config.scheme() + "://" + config.host() + ":" + port + "/v1";
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

  /** Checks of the miners' receipt roots. */
  public ReceiptAudit receiptAudit() {
    return receiptAudit;
  }

  public TaskWeights taskWeights() {
    return taskWeights;
  }

  public EventStream events() {
    return events;
  }

  /** Each task's {@code tasks[].organic_share}, by task id. */
  private static java.util.function.ToDoubleFunction<String> organicCheckShares(
      GatewayConfig config) {
    Map<String, Double> shares = new java.util.HashMap<>();
    config.tasks().forEach(t -> shares.put(t.id(), t.organicCheckShare()));
    double otherwise = config.checking().organicShare();
    return task -> shares.getOrDefault(task, otherwise);
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

  /** The event archive must be a directory the gateway can write, or start-up fails. */
  private static void checkWritable(java.nio.file.Path dir) {
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConfigException("config key 'events.archive_dir': cannot create " + dir + ": "
          + e.getMessage());
    }
    if (!java.nio.file.Files.isWritable(dir)) {
      throw new ConfigException("config key 'events.archive_dir': " + dir + " is not writable");
    }
  }

  /**
   * The threads a weight computation spreads its tasks over: at most two, so that scoring never
   * takes every core from serving.
   */
  private static java.util.concurrent.ExecutorService scoringExecutor() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    return java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "assay-scoring-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private void closeQuietly() {
    String api = apiDeployment;
    apiDeployment = null;
    if (api != null) {
      try {
        // Stops accepting and drains (ApiVerticle.stop) while routing and Redis still work.
        vertx.undeploy(api).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("stopping the API server: {}", e.getMessage());
      }
    }
    if (lease != null) {
      lease.close();
    }
    if (timeline != null) {
      timeline.close();
    }
    if (scoring != null) {
      scoring.shutdownNow();
    }
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

  /** @param attested the tasks that run in a TEE, by id */
  private MinerClient client(MinerEntry entry, SessionInitiator initiator,
      Map<String, io.assay.gateway.attestation.TaskAttestation> attested) {
    Hotkey hotkey;
    try {
      hotkey = Hotkey.parse(entry.hotkey());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("miner " + entry.name() + ": hotkey '" + entry.hotkey()
          + "' is not valid: " + e.getMessage());
    }
    return new MinerClient(entry.name(), entry.url(), hotkey, initiator, minerHttp,
        config.routing().minerTimeout(), clock, attested);
  }

  /**
   * The configured scoring constants with what they need of each task: its minimum stream rate,
   * and for tasks judged by response time (section 7) their timeout.
   */
  public static ScoringParams scoringParams(GatewayConfig config, Map<String, Task> tasks) {
    Map<String, ScoringParams.TaskParams> byTask = new java.util.TreeMap<>();
    for (TaskConfig t : config.tasks()) {
      Task task = tasks.get(t.id());
      byTask.put(t.id(), new ScoringParams.TaskParams(t.streamMinRate(),
          task == null ? null : task.responseTimeout().orElse(null)));
    }
    return config.scoring().params().withTasks(byTask);
  }

  /**
   * Records the scoring parameters and the miners' uids as events when they differ from those
   * last recorded, so the log alone reproduces every computation (SCORING.md section 8).
   */
  private Future<Void> recordParams(ScoringParams params, List<MinerEntry> miners) {
    ScoringEvent.ParamsChanged now = ScoringEvent.ParamsChanged.of(clock.millis(), params);
    java.util.SortedMap<String, Integer> uids = new java.util.TreeMap<>();
    miners.forEach(m -> {
      if (m.uid() != null) {
        uids.put(m.hotkey(), m.uid());
      }
    });
    return recordIfChanged(Keys.paramsRecorded(), now,
            last -> EventLog.fromJson(last) instanceof ScoringEvent.ParamsChanged p
                && p.sameParams(now))
        .compose(v -> uids.isEmpty() ? Future.succeededFuture()
            : recordIfChanged(Keys.uidsRecorded(),
                new ScoringEvent.UidsChanged(clock.millis(), uids),
                last -> EventLog.fromJson(last) instanceof ScoringEvent.UidsChanged u
                    && u.uids().equals(uids)));
  }

  private List<MinerEntry> allMiners(Builder b) {
    List<MinerEntry> all = new java.util.ArrayList<>(config.miners());
    all.addAll(b.extraMiners);
    return all;
  }

  private Future<Void> recordIfChanged(String key, ScoringEvent event,
      java.util.function.Predicate<String> same) {
    return Redis.on(redis.commands().get(key)).compose(last -> {
      if (last != null && same.test(last)) {
        return Future.succeededFuture();
      }
      return events.append(event)
          .compose(id -> Redis.on(redis.commands().set(key, EventLog.toJson(event))))
          .mapEmpty();
    });
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

  /**
   * This process's id in the leader lease: the validator's hotkey (every gateway of a validator
   * shares it) and a random part.
   */
  private static String leaseHolder(Identity identity) {
    byte[] random = new byte[6];
    new java.security.SecureRandom().nextBytes(random);
    return identity.hotkey().value().substring(0, 8) + "-"
        + java.util.HexFormat.of().formatHex(random);
  }

  /**
   * The lease id of the last gateway process on {@code dataDir}, if any, for {@link LeaderLease};
   * the file is then pointed at this process's id by {@link #recordHolder}.
   */
  private static String predecessor(java.nio.file.Path dataDir) {
    try {
      java.nio.file.Path file = dataDir.resolve(HOLDER_FILE);
      return java.nio.file.Files.exists(file)
          ? java.nio.file.Files.readString(file).strip() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static void recordHolder(java.nio.file.Path dataDir, String holder) {
    try {
      java.nio.file.Files.createDirectories(dataDir);
      java.nio.file.Files.writeString(dataDir.resolve(HOLDER_FILE), holder + "\n");
    } catch (IOException e) {
      log.warn("cannot write {} in {}: a restart will wait for this process's leader lease to"
          + " expire: {}", HOLDER_FILE, dataDir, e.getMessage());
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
