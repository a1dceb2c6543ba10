package io.assay.gateway;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.gateway.period.ManualClock;
import io.assay.miner.Miner;
import io.assay.miner.Workers;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Several gateways of one validator (one identity) sharing one Redis, in front of in-process
 * miners: for what must hold across gateways. The usual fleet ({@link #start(String, int, int,
 * long, double)}) runs the llm task {@code reference-lm} on a clock that stands still until a
 * test moves it, for the gateways and the miners alike, so no minute or period ends in the middle
 * of a test; {@link #start(GatewayConfig, int, Clock, Miners)} takes any configuration, clock and
 * miners.
 */
final class GatewayFleet implements AutoCloseable {

  static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  final List<Gateway> gateways = new ArrayList<>();
  final List<Miner> miners = new ArrayList<>();
  final Clock clock;
  private final ExecutorService workers = Workers.inference();

  private GatewayFleet(Clock clock) {
    this.clock = clock;
  }

  /** Starts a fleet's miners, handing each to {@code started} once it runs (the fleet stops it). */
  @FunctionalInterface
  interface Miners {
    /**
     * @param validator the fleet's validator, the one hotkey the miners accept
     * @param workers the fleet's inference pool, for reference backends
     */
    void start(Hotkey validator, ExecutorService workers, Consumer<Miner> started)
        throws Exception;
  }

  /**
   * Starts {@code gateways} gateways on the Redis at {@code redisUrl} and {@code miners} miners,
   * with synthetic tests and the embedded checking server off, the clock at {@code startMillis}
   * and task prices of {@code price} credits per million units.
   */
  static GatewayFleet start(String redisUrl, int gateways, int miners, long startMillis,
      double price) throws Exception {
    return start(redisUrl, gateways, miners, startMillis, price, SPEC, b -> b);
  }

  /**
   * As above, the miners offering {@code spec} (declaring its {@code max_capacity}, 8 requests
   * at once) through the reference backend as {@code wrap} changes it.
   */
  static GatewayFleet start(String redisUrl, int gateways, int miners, long startMillis,
      double price, TaskSpec spec, UnaryOperator<Backend> wrap) throws Exception {
    ManualClock clock = new ManualClock(startMillis);
    GatewayConfig base = ConfigFiles.load(null, Map.of("ASSAY_REDIS_URL", redisUrl,
            "ASSAY_SYNTHETIC_ENABLED", "false", "ASSAY_CHECKING_EMBEDDED", "false"))
        .withTasks("llm", t -> t.withPrice(price));
    return start(base, gateways, clock, (validator, workers, started) -> {
      Backend reference = wrap.apply(
          LlmTestGateway.KIND.referenceBackend(spec, workers).orElseThrow());
      for (int i = 0; i < miners; i++) {
        started.accept(LlmTestGateway.startMiner("miner-" + i, reference, spec, 8, validator,
            base.period(), clock));
      }
    });
  }

  /**
   * Starts {@code gateways} gateways configured as {@code base} (its Redis, tasks, scoring and
   * checking; each gets its own data directory and any port) on {@code clock}, in front of the
   * miners {@code miners} starts.
   */
  static GatewayFleet start(GatewayConfig base, int gateways, Clock clock, Miners miners)
      throws Exception {
    GatewayFleet fleet = new GatewayFleet(clock);
    try {
      fleet.startAll(base.withPort(0), gateways, miners);
      return fleet;
    } catch (Exception | Error e) {
      fleet.close();
      throw e;
    }
  }

  private void startAll(GatewayConfig base, int count, Miners minersToStart) throws Exception {
    Path identityFile = TestDevnets.tempDir("assay-fleet-identity").resolve("validator.key");
    Identity validator = Identity.loadOrCreate(identityFile);
    minersToStart.start(validator.hotkey(), workers, miners::add);
    List<MinerEntry> entries = new ArrayList<>();
    for (Miner miner : miners) {
      entries.add(new MinerEntry(miner.name(), "http://127.0.0.1:" + miner.port(),
          miner.hotkey().value()));
    }
    for (int i = 0; i < count; i++) {
      GatewayConfig config = base.withDataDir(TestDevnets.tempDir("assay-fleet-" + i));
      Files.copy(identityFile, config.identityFile());
      gateways.add(Gateway.builder(config).miners(entries).clock(clock).start());
    }
  }

  /** Moves the fleet's clock on; for fleets on the clock that stands still. */
  void advance(long millis) {
    if (!(clock instanceof ManualClock manual)) {
      throw new IllegalStateException("this fleet runs on " + clock + ", which tests cannot move");
    }
    manual.advance(millis);
  }

  /** Creates a user key with {@code limits} (through the first gateway) and returns its token. */
  String createKey(String name, ApiKeys.Limits limits) {
    return createKey(name, ApiKey.Role.USER, limits);
  }

  /** Creates a key of {@code role} with {@code limits} and returns its token. */
  String createKey(String name, ApiKey.Role role, ApiKeys.Limits limits) {
    Gateway first = gateways.get(0);
    return first.call(() -> first.keys().create(name, role, limits), "key " + name);
  }

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  /** {@code GET /v1/models} on gateway {@code i} with {@code key}: a request that needs no miner. */
  HttpResponse<String> models(int i, String key) throws Exception {
    return get(i, "/v1/models", key);
  }

  /** As {@link #models}, without waiting. */
  CompletableFuture<HttpResponse<String>> modelsAsync(int i, String key) {
    return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(gateways.get(i).baseUrl()
        + "/models")).header("Authorization", "Bearer " + key).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET} of {@code path} (from the root: {@code /admin/leader}) on gateway {@code i}. */
  HttpResponse<String> get(int i, String path, String key) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(root(i, path)).header("Authorization", "Bearer "
        + key).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST} of a JSON {@code body} to {@code path} (from the root) on gateway {@code i}. */
  HttpResponse<String> post(int i, String path, String key, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(root(i, path)).header("Authorization", "Bearer "
        + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code GET} of {@code path} (from the root) on gateway {@code i} without a key, as bytes. */
  HttpResponse<byte[]> file(int i, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(root(i, path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI root(int i, String path) {
    return URI.create(gateways.get(i).baseUrl().replaceFirst("/v1$", "") + path);
  }

  /** A chat completion of at most {@code maxTokens} on gateway {@code i} with {@code key}. */
  HttpResponse<String> chat(int i, String key, int maxTokens) throws Exception {
    return LlmTestGateway.chat(gateways.get(i), key, "hi", maxTokens, false);
  }

  @Override
  public void close() {
    gateways.forEach(Gateway::close);
    miners.forEach(Miner::close);
    workers.shutdownNow();
  }
}
