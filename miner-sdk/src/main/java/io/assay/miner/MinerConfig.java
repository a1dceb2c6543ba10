package io.assay.miner;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.miner.sim.Behaviour;
import io.assay.protocol.Hotkey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reference miner's configuration file, checked once at start.
 *
 * <pre>{@code
 * name: miner-1
 * identity_file: miner.key        # created on first start
 * host: 127.0.0.1
 * port: 9001
 * period: 60m                     # scoring period; must match the validator's
 * accept_validators: ["*"]        # or a list of validator hotkeys
 * metrics_token: ""               # bearer token for GET /metrics; empty: loopback clients only
 * behaviour: honest               # simulations only: overclaim, slow, flaky, random-output,
 *                                 # other-model, bad-proof, go-dark, late, detector, staller,
 *                                 # early-stop (see Behaviour)
 * tasks:
 *   - kind: embeddings
 *     model: all-MiniLM-L6-v2
 *     capacity: 2000000           # work units per period
 *     max_concurrency: 8
 *     backend: reference          # or: upstream
 *     upstream:                   # only for backend: upstream
 *       base_url: http://127.0.0.1:8000/v1
 *       model: sentence-transformers/all-MiniLM-L6-v2
 *       api_key: ""
 *       timeout: 60s
 * }</pre>
 *
 * @param behaviour how the miner behaves; anything but {@link Behaviour#HONEST} is for
 *     simulations that check cheaters earn less, and is applied by {@link MinerFactory}
 * @param metricsToken the bearer token {@code GET /metrics} asks for; null: loopback clients only
 */
public record MinerConfig(
    String name,
    Path identityFile,
    String host,
    int port,
    Duration period,
    List<Hotkey> acceptValidators,
    boolean acceptAnyValidator,
    List<TaskConfig> tasks,
    Behaviour behaviour,
    String metricsToken) {

  public MinerConfig {
    Objects.requireNonNull(behaviour, "behaviour");
  }

  /** A configuration without a metrics token. */
  public MinerConfig(String name, Path identityFile, String host, int port, Duration period,
      List<Hotkey> acceptValidators, boolean acceptAnyValidator, List<TaskConfig> tasks,
      Behaviour behaviour) {
    this(name, identityFile, host, port, period, acceptValidators, acceptAnyValidator, tasks,
        behaviour, null);
  }

  /** An honest miner's configuration. */
  public MinerConfig(String name, Path identityFile, String host, int port, Duration period,
      List<Hotkey> acceptValidators, boolean acceptAnyValidator, List<TaskConfig> tasks) {
    this(name, identityFile, host, port, period, acceptValidators, acceptAnyValidator, tasks,
        Behaviour.HONEST);
  }

  /** The same configuration for a miner that behaves as {@code behaviour}. */
  public MinerConfig withBehaviour(Behaviour behaviour) {
    return new MinerConfig(name, identityFile, host, port, period, acceptValidators,
        acceptAnyValidator, tasks, behaviour, metricsToken);
  }

  /** One offered task. {@code upstream} is null for the reference backend. */
  public record TaskConfig(
      String kind, String model, long capacity, int maxConcurrency, Upstream upstream) {}

  /** An OpenAI-compatible server to forward to. */
  public record Upstream(URI baseUrl, String model, String apiKey, Duration timeout) {}

  /** Reads and checks a configuration; paths in it are relative to {@code baseDir}. */
  public static MinerConfig read(ConfigNode root, Path baseDir) {
    String name = root.string("name", "miner");
    Path identity = baseDir.resolve(root.string("identity_file", "miner.key"));
    String host = root.string("host", "127.0.0.1");
    int port = root.integer("port", 9001, 0, 65535);
    Duration period = root.duration("period", Duration.ofMinutes(60));
    List<Hotkey> validators = new ArrayList<>();
    boolean any = false;
    for (String v : root.strings("accept_validators")) {
      if (v.equals("*")) {
        any = true;
      } else {
        try {
          validators.add(Hotkey.parse(v));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config key 'accept_validators': '" + v
              + "' is not a hotkey: " + e.getMessage());
        }
      }
    }
    if (!any && validators.isEmpty()) {
      throw new ConfigException("config key 'accept_validators' is empty: list the validator"
          + " hotkeys this miner serves, or \"*\" for any validator");
    }
    List<TaskConfig> tasks = new ArrayList<>();
    for (ConfigNode t : root.sections("tasks")) {
      String backend = t.string("backend", "reference");
      Upstream upstream = null;
      if (backend.equals("upstream")) {
        ConfigNode u = t.section("upstream");
        String base = u.requiredString("base_url");
        URI uri;
        try {
          uri = URI.create(base);
        } catch (IllegalArgumentException e) {
          throw new ConfigException("config key '" + u.path() + ".base_url': not a URL: " + base);
        }
        upstream = new Upstream(uri, u.requiredString("model"), u.string("api_key", null),
            u.duration("timeout", Duration.ofSeconds(60)));
      } else if (!backend.equals("reference")) {
        throw new ConfigException("config key '" + t.path() + ".backend': expected reference or"
            + " upstream, found '" + backend + "'");
      }
      tasks.add(new TaskConfig(t.requiredString("kind"), t.requiredString("model"),
          t.longValue("capacity", 1_000_000, 0, Long.MAX_VALUE),
          t.integer("max_concurrency", 8, 1, 10_000), upstream));
    }
    if (tasks.isEmpty()) {
      throw new ConfigException("config key 'tasks' is empty: a miner must offer a task");
    }
    Behaviour behaviour = behaviour(root);
    String metricsToken = root.string("metrics_token", "");
    root.rejectUnknownKeys();
    return new MinerConfig(name, identity, host, port, period, List.copyOf(validators), any,
        List.copyOf(tasks), behaviour, metricsToken.isBlank() ? null : metricsToken);
  }

  private static Behaviour behaviour(ConfigNode root) {
    String value = root.string("behaviour", Behaviour.HONEST.id());
    try {
      return Behaviour.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key 'behaviour': " + e.getMessage());
    }
  }
}
