package io.assay.gateway;

import io.assay.config.ConfigException;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.audit.AuditFiles;
import io.assay.gateway.auth.FirstAdminKey;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.auth.KeyCommands;
import io.assay.gateway.weights.WeightsCommands;
import io.assay.gateway.receipts.AnswerProofs;
import io.assay.gateway.receipts.ReceiptArchive;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.devnet.Simulation;
import io.assay.miner.sim.ServiceModel;
import io.assay.miner.sim.SimulatedFleet;
import io.assay.protocol.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The gateway's command line.
 *
 * <pre>
 * assay-gateway [serve] [--config FILE]              run a gateway
 * assay-gateway devnet [--port P] [--data-dir D] [--miners N|SPEC] [--period-seconds S]
 *                                                    gateway + reference miners on loopback
 * assay-gateway simulate --miners SPEC --periods N --period-seconds S [--out FILE]
 *                                                    a time-compressed market; prints weights
 * assay-gateway export-events --out FILE [--config FILE] [--data-dir D]
 * assay-gateway recompute-weights --events FILE      recompute every computation bit for bit
 * assay-gateway keys create --name NAME [--admin] [--rpm N] [--upm N] [--credit C]
 * assay-gateway keys list | show --prefix P | revoke --name NAME [--prefix P]
 * assay-gateway keys update --prefix P [--rpm N] [--upm N] [--credit C] [--add-credit C]
 *                                       (every keys command takes [--config FILE] [--data-dir D])
 * assay-gateway prove-answer --request-id ID [--config FILE] [--data-dir D]
 * assay-gateway weights export [--config FILE] [--data-dir D]   latest weights, signed for chain
 *                                                    an answer's receipt, Merkle path and root
 * assay-gateway keygen --out FILE                    new identity, prints hotkey
 * </pre>
 *
 * <p>SPEC names miner behaviours and counts, e.g. {@code honest:3,overclaim:1,slow:1}.
 */
public final class GatewayMain {

  private GatewayMain() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (ConfigException e) {
      System.err.println("assay-gateway: " + e.getMessage());
      System.exit(2);
    } catch (UsageException e) {
      System.err.println("assay-gateway: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    } catch (Exception e) {
      System.err.println("assay-gateway: " + e.getMessage());
      System.exit(1);
    }
  }

  private static final String USAGE = """
      usage:
        assay-gateway [serve] [--config FILE]
        assay-gateway devnet [--port P] [--data-dir D] [--miners N|SPEC] [--period-seconds S]
                             [--config FILE]
        assay-gateway simulate --miners SPEC --periods N --period-seconds S [--data-dir D]
                               [--out FILE]
        assay-gateway export-events --out FILE [--config FILE] [--data-dir D]
        assay-gateway recompute-weights --events FILE
        assay-gateway keys create --name NAME [--admin] [--rpm N] [--upm N] [--credit C]
        assay-gateway keys list
        assay-gateway keys show --prefix P
        assay-gateway keys update --prefix P [--rpm N] [--upm N] [--credit C] [--add-credit C]
        assay-gateway keys revoke --name NAME [--prefix P]
          (every keys command also takes [--config FILE] [--data-dir D])
        assay-gateway prove-answer --request-id ID [--config FILE] [--data-dir D]
        assay-gateway weights export [--config FILE] [--data-dir D]
        assay-gateway keygen --out FILE
      SPEC: behaviours and counts, e.g. honest:3,overclaim:1,slow:1,flaky:1,random-output:1;
        sybil:N and timeshare:N are one machine behind N identities""";

  static int run(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help")
        || java.util.Arrays.asList(args).contains("-h")) {
      System.out.println(USAGE);
      return 0;
    }
    String command = args.length > 0 && !args[0].startsWith("--") ? args[0] : "serve";
    if (command.equals("keys")) {
      return keys(args); // an action word follows, then the options
    }
    if (command.equals("weights")) {
      return weights(args);
    }
    Args options = Args.parse(args, command.equals("serve") && (args.length == 0
        || args[0].startsWith("--")) ? 0 : 1);
    return switch (command) {
      case "serve" -> serve(options);
      case "devnet" -> devnet(options);
      case "simulate" -> simulate(options);
      case "export-events" -> exportEvents(options);
      case "recompute-weights" -> recomputeWeights(options);
      case "prove-answer" -> proveAnswer(options);
      case "keygen" -> keygen(options);
      default -> throw new UsageException("unknown command '" + command + "'");
    };
  }

  private static int serve(Args options) throws Exception {
    Path file = options.path("--config");
    GatewayConfig config = ConfigFiles.load(file, System.getenv());
    Gateway gateway = Gateway.builder(config).configFile(file).start();
    java.util.Optional<String> firstAdmin = gateway.call(() -> FirstAdminKey.ensure(
        gateway.keys(), gateway.redis()), "make the first admin key");
    if (firstAdmin.isPresent()) {
      Path written = FirstAdminKey.write(config.dataDir(), firstAdmin.get());
      System.out.println("first start: admin key " + firstAdmin.get() + " (shown once; also in "
          + written + ", mode 0600). Make user keys with: assay-gateway keys create --name"
          + " NAME, or POST /admin/keys");
    }
    System.out.println("assay gateway " + gateway.hotkey() + " serving " + gateway.baseUrl());
    return runUntilStopped(gateway);
  }

  private static int devnet(Args options) throws Exception {
    GatewayConfig config = ConfigFiles.load(options.path("--config"), System.getenv());
    int port = options.integer("--port", 8080);
    Path dataDir = options.path("--data-dir");
    String miners = options.values().getOrDefault("--miners", "3");
    int periodSeconds = options.integer("--period-seconds", 0);
    if (periodSeconds < 0) {
      throw new UsageException("--period-seconds must be positive");
    }
    if (periodSeconds > 0) {
      config = config.withPeriod(java.time.Duration.ofSeconds(periodSeconds));
    }
    Path dir = dataDir == null ? Path.of("data", "devnet") : dataDir;
    Devnet devnet = miners.matches("\\d+")
        ? Devnet.start(config.withPort(port), dir, Integer.parseInt(miners))
        : Devnet.start(config.withPort(port), dir, specs(miners), new SimulatedFleet(
            specs(miners), ServiceModel.sharedBy(specs(miners).size()), config.period()));
    System.out.println();
    System.out.println("Assay devnet is up: " + devnet.miners().size() + " miners behind "
        + devnet.info().baseUrl());
    System.out.println("API key:   " + devnet.info().apiKey());
    System.out.println("Admin key: " + devnet.info().adminKey());
    System.out.println("Try it:");
    System.out.println("  " + devnet.curlExample());
    System.out.println();
    return runUntilStopped(devnet);
  }

  private static int simulate(Args options) throws Exception {
    String miners = options.values().get("--miners");
    if (miners == null) {
      throw new UsageException("simulate needs --miners SPEC");
    }
    int periods = options.integer("--periods", 10);
    int seconds = options.integer("--period-seconds", 10);
    if (periods < 1 || seconds < 1) {
      throw new UsageException("--periods and --period-seconds must be positive");
    }
    GatewayConfig config = ConfigFiles.load(options.path("--config"), System.getenv());
    Path dir = options.path("--data-dir");
    Simulation.run(config, specs(miners), periods, java.time.Duration.ofSeconds(seconds),
        dir == null ? Files.createTempDirectory("assay-simulation") : dir, System.out,
        options.path("--out"));
    return 0;
  }

  private static int exportEvents(Args options) throws Exception {
    Path out = options.path("--out");
    if (out == null) {
      throw new UsageException("export-events needs --out FILE");
    }
    GatewayConfig config = toolConfig(options);
    long written = AuditFiles.export(config.redisUrl(), config.dataDir(),
        config.archiveDir(), out);
    System.out.println("wrote " + written + " events to " + out);
    return 0;
  }

  /** {@code weights export}: the latest computation, signed for a chain client. */
  private static int weights(String[] args) throws Exception {
    if (args.length < 2 || !args[1].equals("export")) {
      throw new UsageException("weights needs an action: export");
    }
    Args options = Args.parse(args, 2);
    GatewayConfig config = toolConfig(options);
    return WeightsCommands.export(config.redisUrl(), config.dataDir(), config.identityFile(),
        config.scoring().chain().netuid(), config.scoring().chain().versionKey(), System.out,
        System.err);
  }

  /** {@code keys create|list|revoke}: the action is the second word, options follow it. */
  private static int keys(String[] args) throws Exception {
    String action = args.length > 1 ? args[1] : "";
    if (!java.util.Set.of("create", "list", "show", "update", "revoke").contains(action)) {
      throw new UsageException("keys needs an action: create, list, show, update or revoke");
    }
    java.util.List<String> rest = new java.util.ArrayList<>(java.util.Arrays.asList(args)
        .subList(Math.min(2, args.length), args.length));
    boolean admin = rest.remove("--admin");
    Args options = Args.parse(rest.toArray(String[]::new), 0);
    GatewayConfig config = toolConfig(options);
    String name = options.values().get("--name");
    return switch (action) {
      case "create" -> {
        if (name == null || name.isBlank()) {
          throw new UsageException("keys create needs --name NAME");
        }
        Long credit = options.credits("--credit");
        yield KeyCommands.create(config.redisUrl(), config.dataDir(), name, admin,
            new ApiKeys.Limits(options.integer("--rpm", 0), options.integer("--upm", 0),
                credit), System.out);
      }
      case "list" -> KeyCommands.list(config.redisUrl(), config.dataDir(), System.out);
      case "show" -> KeyCommands.show(config.redisUrl(), config.dataDir(), prefix(options),
          System.out, System.err);
      case "update" -> KeyCommands.update(config.redisUrl(), config.dataDir(), prefix(options),
          options.values().containsKey("--rpm") ? options.integer("--rpm", 0) : null,
          options.values().containsKey("--upm") ? (long) options.integer("--upm", 0) : null,
          options.credits("--credit"), options.credits("--add-credit"), System.out,
          System.err);
      case "revoke" -> {
        if (name == null || name.isBlank()) {
          throw new UsageException("keys revoke needs --name NAME");
        }
        yield KeyCommands.revoke(config.redisUrl(), config.dataDir(), name,
            options.values().get("--prefix"), System.out, System.err);
      }
      default -> throw new UsageException("keys needs an action: create, list, show, update"
          + " or revoke");
    };
  }

  /** The configuration a tool command works on: {@code --config}, with {@code --data-dir}. */
  private static GatewayConfig toolConfig(Args options) {
    GatewayConfig config = ConfigFiles.load(options.path("--config"), System.getenv());
    Path dataDir = options.path("--data-dir");
    return dataDir == null ? config : config.withDataDir(dataDir.toAbsolutePath());
  }

  private static String prefix(Args options) {
    String prefix = options.values().get("--prefix");
    if (prefix == null || prefix.isBlank()) {
      throw new UsageException("this keys command needs --prefix P (as keys list shows it)");
    }
    return prefix;
  }

  private static int proveAnswer(Args options) throws Exception {
    String requestId = options.values().get("--request-id");
    if (requestId == null) {
      throw new UsageException("prove-answer needs --request-id ID");
    }
    GatewayConfig config = toolConfig(options);
    return AnswerProofs.prove(new ReceiptArchive(config.archiveDir()), requestId, System.out,
        System.err);
  }

  private static int recomputeWeights(Args options) throws Exception {
    Path file = options.path("--events");
    if (file == null) {
      throw new UsageException("recompute-weights needs --events FILE");
    }
    return AuditFiles.recompute(file, System.out);
  }

  private static java.util.List<io.assay.miner.sim.MinerSpec> specs(String spec) {
    try {
      return io.assay.miner.sim.MinerSpecs.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--miners: " + e.getMessage());
    }
  }

  private static int keygen(Args options) throws Exception {
    Path out = options.path("--out");
    if (out == null) {
      throw new UsageException("keygen needs --out FILE");
    }
    if (Files.exists(out)) {
      System.err.println("assay-gateway: " + out + " exists; refusing to overwrite an identity");
      return 1;
    }
    Identity identity = Identity.generate();
    identity.save(out);
    System.out.println(identity.hotkey().value());
    return 0;
  }

  private static int runUntilStopped(AutoCloseable running) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        System.err.println("assay-gateway: error while stopping: " + e.getMessage());
      }
      stopped.countDown();
    }, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
    return 0;
  }

  /** A command's {@code --name value} options. */
  record Args(java.util.Map<String, String> values) {

    static Args parse(String[] args, int from) {
      java.util.Map<String, String> values = new java.util.HashMap<>();
      for (int i = from; i < args.length; i++) {
        String name = args[i];
        if (!name.startsWith("--")) {
          throw new UsageException("unexpected argument '" + name + "'");
        }
        if (i + 1 >= args.length) {
          throw new UsageException(name + " needs a value");
        }
        values.put(name, args[++i]);
      }
      return new Args(values);
    }

    Path path(String name) {
      String v = values.get(name);
      return v == null ? null : Path.of(v);
    }

    /** Credits (a number >= 0) as millionths, or null when the option is absent. */
    Long credits(String name) {
      String v = values.get(name);
      if (v == null) {
        return null;
      }
      try {
        double credits = Double.parseDouble(v);
        if (credits >= 0 && credits <= 1e12) {
          return Math.round(credits * 1e6);
        }
      } catch (NumberFormatException e) {
        // answered below
      }
      throw new UsageException(name + " expects a number of credits >= 0, got '" + v + "'");
    }

    int integer(String name, int fallback) {
      String v = values.get(name);
      if (v == null) {
        return fallback;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new UsageException(name + " expects a number, got '" + v + "'");
      }
    }
  }

  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
