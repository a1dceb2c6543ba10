package io.assay.gateway;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.gateway.period.ManualClock;
import io.assay.miner.Miner;
import io.assay.miner.Workers;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Several gateways of one validator (one identity) sharing one Redis and one clock, in front of
 * in-process miners offering the llm task {@code reference-lm}: for what must hold across
 * gateways. The clock stands still until a test moves it, for the gateways and the miners alike,
 * so no minute or period ends in the middle of a test.
 */
final class GatewayFleet implements AutoCloseable {

  static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  final List<Gateway> gateways = new ArrayList<>();
  final List<Miner> miners = new ArrayList<>();
  final ManualClock clock;
  private final ExecutorService workers = Workers.inference();

  private GatewayFleet(ManualClock clock) {
    this.clock = clock;
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
      double price, TaskSpec spec, java.util.function.UnaryOperator<Backend> wrap)
      throws Exception {
    GatewayFleet fleet = new GatewayFleet(new ManualClock(startMillis));
    try {
      fleet.startAll(redisUrl, gateways, miners, price, spec, wrap);
      return fleet;
    } catch (Exception | Error e) {
      fleet.close();
      throw e;
    }
  }

  private void startAll(String redisUrl, int count, int minerCount, double price, TaskSpec spec,
      java.util.function.UnaryOperator<Backend> wrap) throws Exception {
    GatewayConfig base = ConfigFiles.load(null, Map.of("ASSAY_REDIS_URL", redisUrl,
            "ASSAY_SYNTHETIC_ENABLED", "false", "ASSAY_CHECKING_EMBEDDED", "false"))
        .withPort(0).withTasks("llm", t -> t.withPrice(price));
    Path identityFile = TestDevnets.tempDir("assay-fleet-identity").resolve("validator.key");
    Identity validator = Identity.loadOrCreate(identityFile);
    Backend reference = wrap.apply(
        LlmTestGateway.KIND.referenceBackend(spec, workers).orElseThrow());
    List<MinerEntry> entries = new ArrayList<>();
    for (int i = 0; i < minerCount; i++) {
      Miner miner = LlmTestGateway.startMiner("miner-" + i, reference, spec, 8,
          validator.hotkey(), base.period(), clock);
      miners.add(miner);
      entries.add(new MinerEntry(miner.name(), "http://127.0.0.1:" + miner.port(),
          miner.hotkey().value()));
    }
    for (int i = 0; i < count; i++) {
      GatewayConfig config = base.withDataDir(TestDevnets.tempDir("assay-fleet-" + i));
      Files.copy(identityFile, config.identityFile());
      gateways.add(Gateway.builder(config).miners(entries).clock(clock).start());
    }
  }

  /** Creates a user key with {@code limits} (through the first gateway) and returns its token. */
  String createKey(String name, ApiKeys.Limits limits) {
    Gateway first = gateways.get(0);
    return first.call(() -> first.keys().create(name, ApiKey.Role.USER, limits), "key " + name);
  }

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  /** {@code GET /v1/models} on gateway {@code i} with {@code key}: a request that needs no miner. */
  HttpResponse<String> models(int i, String key) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(gateways.get(i).baseUrl() + "/models"))
        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** As {@link #models}, without waiting. */
  java.util.concurrent.CompletableFuture<HttpResponse<String>> modelsAsync(int i, String key) {
    return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(gateways.get(i).baseUrl()
        + "/models")).header("Authorization", "Bearer " + key).build(),
        HttpResponse.BodyHandlers.ofString());
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
