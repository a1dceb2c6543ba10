package io.assay.gateway.devnet;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.Gateway;
import io.assay.gateway.attestation.AttestationPolicy;
import io.assay.gateway.attestation.Collateral;
import io.assay.gateway.attestation.CollateralSource;
import io.assay.gateway.attestation.QuoteVerifier;
import io.assay.gateway.attestation.TaskAttestation;
import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.miner.Miner;
import io.assay.miner.MinerConfig;
import io.assay.miner.MinerFactory;
import io.assay.miner.Workers;
import io.assay.miner.attestation.TestAttestationAuthority;
import io.assay.miner.attestation.TestQuoteProvider;
import io.assay.miner.sim.MinerSpec;
import io.assay.miner.sim.SimulatedFleet;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import io.assay.task.Json;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole marketplace on loopback: a gateway with its private Redis and several reference miners,
 * each with its own identity, all in this process (one copy of each model, shared).
 *
 * <p>State lives in the data directory: the validator's and miners' keys, Redis' append-only file
 * and {@code devnet.json} with the base URL and keys. Starting again on the same directory keeps
 * keys, identities and recorded usage.
 */
public final class Devnet implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Devnet.class);

  /** What {@code devnet.json} holds; keys are reused on restart while Redis still knows them. */
  public record Info(@JsonProperty("base_url") String baseUrl,
      @JsonProperty("api_key") String apiKey,
      @JsonProperty("admin_key") String adminKey) {}

  private final Gateway gateway;
  private final List<Miner> miners;
  private final ExecutorService workers;
  private final Info info;
  private final AutoCloseable owned;

  private Devnet(Gateway gateway, List<Miner> miners, ExecutorService workers, Info info,
      AutoCloseable owned) {
    this.gateway = gateway;
    this.miners = miners;
    this.workers = workers;
    this.info = info;
    this.owned = owned;
  }

  /**
   * Starts a devnet of honest reference miners named {@code miner-1} ... {@code miner-N}, each
   * declaring {@link #defaultCapacity} and serving as fast as the machine lets it.
   *
   * @param config the gateway configuration (its tasks are what the miners serve)
   * @param dataDir where all state lives
   * @param minerCount how many reference miners to start
   */
  public static Devnet start(GatewayConfig config, Path dataDir, int minerCount) throws Exception {
    return start(config, dataDir, minerCount, Enclaves.NONE);
  }

  /**
   * Tasks that must run in a TEE on a devnet, and how many of its miners run in one: the devnet
   * makes a test attestation authority (issue 17), gives the first {@code miners} miners an
   * enclave whose quotes it signs, and has the gateway trust that authority, with its collateral
   * pinned, for the tasks of {@code kinds}. The other miners are in no TEE and get none of
   * those tasks' work.
   *
   * @param kinds task kinds whose tasks require attestation (empty: none)
   * @param miners how many miners, the first ones, run in the test enclave
   */
  public record Enclaves(Set<String> kinds, int miners) {

    /** No task needs a TEE. */
    public static final Enclaves NONE = new Enclaves(Set.of(), 0);

    public Enclaves {
      kinds = Set.copyOf(kinds);
      if (miners < 0) {
        throw new IllegalArgumentException("miners in an enclave must be >= 0, was " + miners);
      }
    }

    /**
     * Checks that every one of {@link #kinds} has a task in {@code config}.
     *
     * @throws IllegalArgumentException naming the configured kinds when one has none
     */
    public void checkAgainst(GatewayConfig config) {
      Set<String> configured = new TreeSet<>();
      config.tasks().forEach(t -> configured.add(t.kind()));
      for (String kind : new TreeSet<>(kinds)) {
        if (!configured.contains(kind)) {
          throw new IllegalArgumentException("no configured task is of kind '" + kind
              + "' to attest; the configured kinds are " + configured);
        }
      }
    }

    /** {@code config} with its tasks of {@link #kinds} attested by {@code authority}. */
    private GatewayConfig apply(GatewayConfig config, TestQuoteProvider enclave,
        TestAttestationAuthority authority) {
      checkAgainst(config);
      TaskAttestation attestation = new TaskAttestation(
          new QuoteVerifier(authority.rootCertificate()),
          CollateralSource.pinned(Collateral.fromQvlJson(enclave.collateral().toJson())),
          AttestationPolicy.PERMISSIVE);
      GatewayConfig attested = config;
      for (String kind : kinds) {
        attested = attested.withTasks(kind, t -> t.withAttestation(attestation));
      }
      return attested;
    }
  }

  /**
   * As {@link #start(GatewayConfig, Path, int)}, with the tasks of {@code enclaves.kinds()}
   * served only by the first {@code enclaves.miners()} miners, which run in a test enclave.
   */
  public static Devnet start(GatewayConfig config, Path dataDir, int minerCount,
      Enclaves enclaves) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= minerCount; i++) {
      names.add("miner-" + i);
    }
    GatewayConfig cfg = config;
    TestQuoteProvider enclave = null;
    if (!enclaves.kinds().isEmpty()) {
      TestAttestationAuthority authority = TestAttestationAuthority.create();
      enclave = TestQuoteProvider.create(authority);
      cfg = enclaves.apply(config, enclave, authority);
    }
    Set<String> inEnclave = Set.copyOf(names.subList(0, Math.min(names.size(),
        enclave == null ? 0 : enclaves.miners())));
    TestQuoteProvider quotes = enclave;
    return start(cfg, dataDir, names, () -> { }, (factory, name, validator, c) -> {
      MinerConfig mc = minerConfig(c, validator, name,
          tasks(c, t -> new Offer(defaultCapacity(t), 8)));
      if (inEnclave.contains(name)) {
        log.info("miner {} runs in the devnet's test enclave (quotes signed by its test"
            + " authority)", name);
        return factory.create(mc, quotes);
      }
      return factory.create(mc);
    });
  }

  /**
   * What a reference miner declares per task and period, unless told otherwise: about two
   * thousand typical requests, which a laptop-class machine serves in an hour alongside its
   * neighbours, so the synthetic tests (a few percent of it) stay a light background load.
   */
  public static long defaultCapacity(TaskConfig task) {
    return task.unitsPerRequest() * 2_000;
  }

  /**
   * Starts a devnet whose miners behave as {@code specs} say (honest, overclaim, slow, ...), each
   * with the fleet's service-time model: its capacity, speed and machine. The devnet closes the
   * fleet when it closes.
   */
  public static Devnet start(GatewayConfig config, Path dataDir, List<MinerSpec> specs,
      SimulatedFleet fleet) throws Exception {
    Map<String, MinerSpec> byName = new LinkedHashMap<>();
    specs.forEach(s -> byName.put(s.name(), s));
    return start(config, dataDir, new ArrayList<>(byName.keySet()), fleet,
        (factory, name, validator, cfg) -> {
          MinerSpec spec = byName.get(name);
          MinerConfig mc = minerConfig(cfg, validator, name, tasks(cfg, t -> {
            SimulatedFleet.Offer o = fleet.offer(spec, t.kind(), t.unitsPerRequest(),
                t.maxCapacity());
            return new Offer(o.declared(), o.concurrency());
          })).withBehaviour(spec.behaviour());
          return fleet.create(factory, mc, spec);
        });
  }

  /**
   * What a devnet miner declares of one task: the volume it takes in a period and the requests
   * it takes at once (a simulated miner's machine may serve less; its speed decides).
   */
  private record Offer(long declared, int concurrency) {}

  /** Makes one miner of a devnet. */
  private interface MinerMaker {
    Miner make(MinerFactory factory, String name, Hotkey validator, GatewayConfig config);
  }

  private static Devnet start(GatewayConfig config, Path dataDir, List<String> names,
      AutoCloseable owned, MinerMaker maker) throws Exception {
    Files.createDirectories(dataDir);
    GatewayConfig cfg = config.withDataDir(dataDir.toAbsolutePath());
    Identity validator = Identity.loadOrCreate(cfg.identityFile());
    TaskKinds kinds = TaskKinds.discover();
    ExecutorService workers = Workers.inference();
    List<Miner> miners = new ArrayList<>();
    Gateway gateway = null;
    try {
      MinerFactory factory = new MinerFactory(kinds, workers);
      List<MinerEntry> entries = new ArrayList<>();
      for (String name : names) {
        Miner miner = maker.make(factory, name, validator.hotkey(), cfg);
        miner.start().toCompletableFuture().join();
        miners.add(miner);
        entries.add(new MinerEntry(name, "http://127.0.0.1:" + miner.port(),
            miner.hotkey().value(), miners.size()));
      }
      gateway = Gateway.builder(cfg).kinds(kinds).miners(entries).start();
      Info info = keys(gateway, cfg.dataDir().resolve("devnet.json"));
      return new Devnet(gateway, miners, workers, info, owned);
    } catch (Exception | Error e) {
      if (gateway != null) {
        gateway.close();
      }
      miners.forEach(Miner::close);
      workers.shutdownNow();
      owned.close();
      throw e;
    }
  }

  public Info info() {
    return info;
  }

  public Gateway gateway() {
    return gateway;
  }

  public List<Miner> miners() {
    return List.copyOf(miners);
  }

  /**
   * Ready-to-paste requests against this devnet: a streamed chat, an embedding, an image by URL
   * and a proved prediction.
   */
  public String curlExample() {
    String auth = " -H 'Authorization: Bearer " + info.apiKey()
        + "' -H 'Content-Type: application/json'";
    return "curl -sN " + info.baseUrl() + "/chat/completions" + auth
        + " -d '{\"model\":\"reference-lm\",\"stream\":true,\"messages\":[{\"role\":"
        + "\"user\",\"content\":\"Tell me about cooking.\"}]}'\n  curl -s "
        + info.baseUrl() + "/embeddings" + auth
        + " -d '{\"model\":\"all-MiniLM-L6-v2\",\"input\":\"Hello, marketplace\"}'\n  curl -s "
        + info.baseUrl() + "/images/generations" + auth
        + " -d '{\"prompt\":\"a red lighthouse at sunset\",\"size\":\"256x256\","
        + "\"response_format\":\"url\"}'\n  curl -s " + info.baseUrl() + "/proofs" + auth
        + " -d '{\"circuit\":\"timeseries-mlp-bn128\",\"input\":{\"series\":"
        + "[12.5,13.1,13.75,14.2,15]}}'";
  }

  @Override
  public void close() {
    gateway.close();
    for (Miner miner : miners) {
      try {
        miner.close();
      } catch (RuntimeException e) {
        log.warn("stopping {}: {}", miner.name(), e.getMessage());
      }
    }
    workers.shutdownNow();
    try {
      owned.close();
    } catch (Exception e) {
      log.warn("stopping the simulated fleet: {}", e.getMessage());
    }
  }

  /** A devnet miner's configuration: its key in the data directory, any port, this validator. */
  private static MinerConfig minerConfig(GatewayConfig cfg, Hotkey validator, String name,
      List<MinerConfig.TaskConfig> tasks) {
    return new MinerConfig(name, cfg.dataDir().resolve("miners").resolve(name + ".key"),
        "127.0.0.1", 0, cfg.period(), List.of(validator), false, tasks);
  }

  /** Every configured task that has a reference engine, with what {@code offer} says. */
  private static List<MinerConfig.TaskConfig> tasks(GatewayConfig cfg,
      java.util.function.Function<TaskConfig, Offer> offer) {
    TaskKinds kinds = TaskKinds.discover();
    List<MinerConfig.TaskConfig> tasks = new ArrayList<>();
    for (TaskConfig t : cfg.tasks()) {
      TaskKind kind = kinds.byName(t.kind()).orElse(null);
      if (kind != null && kind.referenceModels().contains(t.model())) {
        Offer o = offer.apply(t);
        tasks.add(new MinerConfig.TaskConfig(t.kind(), t.model(),
            Math.min(t.maxCapacity(), o.declared()), o.concurrency(), null));
      }
    }
    return tasks;
  }

  private static Info keys(Gateway gateway, Path file) throws IOException {
    String baseUrl = gateway.baseUrl();
    if (Files.exists(file)) {
      Info old = Json.MAPPER.readValue(file.toFile(), Info.class);
      boolean known = old.apiKey() != null && old.adminKey() != null
          && gateway.call(() -> gateway.keys().find(old.apiKey()), "check the API key").isPresent()
          && gateway.call(() -> gateway.keys().find(old.adminKey()), "check the admin key")
              .isPresent();
      if (known) {
        Info info = new Info(baseUrl, old.apiKey(), old.adminKey());
        write(file, info);
        return info;
      }
    }
    String api = gateway.call(() -> gateway.keys().create("devnet", ApiKey.Role.USER, 0),
        "create the API key");
    String admin = gateway.call(() -> gateway.keys().create("devnet-admin", ApiKey.Role.ADMIN, 0),
        "create the admin key");
    Info info = new Info(baseUrl, api, admin);
    write(file, info);
    return info;
  }

  /** It holds the admin key: readable by its owner only. */
  private static void write(Path file, Info info) throws IOException {
    io.assay.gateway.state.OwnerOnlyFile.write(file,
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(info));
  }
}
