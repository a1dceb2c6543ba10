package io.assay.gateway;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.miner.Miner;
import io.assay.miner.TaskOffer;
import io.assay.miner.Workers;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskSpec;
import io.assay.task.llm.LlmKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * A gateway on loopback (default configuration, its own data directory and Redis) in front of
 * in-process miners offering the llm task {@code reference-lm}, each through a backend the test
 * chooses (usually the reference one, wrapped to misbehave), with a user key.
 */
final class LlmTestGateway implements AutoCloseable {

  static final LlmKind KIND = new LlmKind();

  final Gateway gateway;
  final List<Miner> miners;
  final String apiKey;
  final GatewayConfig config;
  private final ExecutorService workers;

  private LlmTestGateway(Gateway gateway, List<Miner> miners, String apiKey,
      GatewayConfig config, ExecutorService workers) {
    this.gateway = gateway;
    this.miners = miners;
    this.apiKey = apiKey;
    this.config = config;
    this.workers = workers;
  }

  /**
   * @param spec the task the miners offer, its capacity per period and per request
   * @param concurrency requests each miner takes at once
   * @param backends the miners by name, each with its backend, given the reference backend
   */
  static LlmTestGateway start(String dirPrefix, TaskSpec spec, int concurrency,
      Function<Backend, Map<String, Backend>> backends) throws Exception {
    return start(dirPrefix, Map.of(), null, spec, concurrency, backends);
  }

  /**
   * As above, with configuration overrides ({@code ASSAY_...} variables) and scoring periods of
   * {@code period} (null: the default) on both sides.
   */
  static LlmTestGateway start(String dirPrefix, Map<String, String> env, Duration period,
      TaskSpec spec, int concurrency, Function<Backend, Map<String, Backend>> backends)
      throws Exception {
    return start(dirPrefix, env, period, spec, concurrency, backends,
        miner -> "http://127.0.0.1:" + miner.port());
  }

  /** As above, registering each miner at the address {@code address} gives (a proxy's). */
  static LlmTestGateway start(String dirPrefix, Map<String, String> env, Duration period,
      TaskSpec spec, int concurrency, Function<Backend, Map<String, Backend>> backends,
      Function<Miner, String> address) throws Exception {
    return start(dirPrefix, env, period, spec, concurrency, backends, address, c -> c);
  }

  /** As above, with the configuration changed by {@code tune} before the gateway starts. */
  static LlmTestGateway start(String dirPrefix, Map<String, String> env, Duration period,
      TaskSpec spec, int concurrency, Function<Backend, Map<String, Backend>> backends,
      Function<Miner, String> address, java.util.function.UnaryOperator<GatewayConfig> tune)
      throws Exception {
    ExecutorService workers = Workers.inference();
    Backend reference = KIND.referenceBackend(spec, workers).orElseThrow();
    Path dir = TestDevnets.tempDir(dirPrefix);
    GatewayConfig config = ConfigFiles.load(null, env).withPort(0).withDataDir(dir);
    if (period != null) {
      config = config.withPeriod(period);
    }
    config = tune.apply(config);
    Identity validator = Identity.loadOrCreate(config.identityFile());
    List<Miner> miners = new ArrayList<>();
    List<MinerEntry> entries = new ArrayList<>();
    for (Map.Entry<String, Backend> m : new LinkedHashMap<>(backends.apply(reference))
        .entrySet()) {
      Miner miner = startMiner(m.getKey(), m.getValue(), spec, concurrency, validator.hotkey(),
          config.period(), java.time.Clock.systemUTC());
      miners.add(miner);
      entries.add(new MinerEntry(m.getKey(), address.apply(miner), miner.hotkey().value()));
    }
    Gateway gateway = Gateway.builder(config).miners(entries).start();
    String key = gateway.call(() -> gateway.keys().create("test", ApiKey.Role.USER, 0), "key");
    return new LlmTestGateway(gateway, miners, key, config, workers);
  }

  /**
   * Starts a miner named {@code name} offering {@code spec} through {@code backend} to the
   * validator {@code validator} only, with scoring periods of {@code period} on {@code clock}.
   */
  static Miner startMiner(String name, Backend backend, TaskSpec spec, int concurrency,
      io.assay.protocol.Hotkey validator, Duration period, java.time.Clock clock) {
    Miner miner = Miner.builder().name(name).identity(Identity.generate())
        .acceptValidators(validator::equals)
        .periodLength(period)
        .clock(clock)
        .offer(new TaskOffer(KIND, spec, backend, spec.maxCapacity(), concurrency))
        .build();
    miner.start().toCompletableFuture().join();
    return miner;
  }

  /** HTTP/1.1, as OpenAI clients speak to a plain-text server. */
  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

  /**
   * A chat completion of {@code reference-lm} with {@code key}: one user message, {@code
   * maxTokens}, streamed or not, with extra headers as name, value pairs.
   */
  java.net.http.HttpResponse<String> chat(String key, String content, int maxTokens,
      boolean stream, String... headers) throws Exception {
    return chat(gateway, key, content, maxTokens, stream, headers);
  }

  /** As above, through {@code gateway}. */
  static java.net.http.HttpResponse<String> chat(Gateway gateway, String key, String content,
      int maxTokens, boolean stream, String... headers) throws Exception {
    java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(gateway.baseUrl() + "/chat/completions"))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .timeout(java.time.Duration.ofSeconds(60))
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"reference-lm\",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}"));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** As above, with the gateway's user key. */
  java.net.http.HttpResponse<String> chat(String content, int maxTokens, boolean stream,
      String... headers) throws Exception {
    return chat(apiKey, content, maxTokens, stream, headers);
  }

  @Override
  public void close() {
    gateway.close();
    miners.forEach(Miner::close);
    workers.shutdownNow();
  }
}
