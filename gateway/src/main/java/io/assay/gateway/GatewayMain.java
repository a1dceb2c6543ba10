package io.assay.gateway;

import io.assay.config.ConfigException;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.protocol.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The gateway's command line.
 *
 * <pre>
 * assay-gateway [serve] [--config FILE]                         run a gateway
 * assay-gateway devnet [--port P] [--data-dir D] [--miners N]   gateway + reference miners
 * assay-gateway keygen --out FILE                               new identity, prints hotkey
 * </pre>
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
        assay-gateway devnet [--port P] [--data-dir D] [--miners N] [--config FILE]
        assay-gateway keygen --out FILE""";

  static int run(String[] args) throws Exception {
    String command = args.length > 0 && !args[0].startsWith("--") ? args[0] : "serve";
    Args options = Args.parse(args, command.equals("serve") && (args.length == 0
        || args[0].startsWith("--")) ? 0 : 1);
    return switch (command) {
      case "serve" -> serve(options);
      case "devnet" -> devnet(options);
      case "keygen" -> keygen(options);
      default -> throw new UsageException("unknown command '" + command + "'");
    };
  }

  private static int serve(Args options) throws Exception {
    GatewayConfig config = ConfigFiles.load(options.path("--config"), System.getenv());
    Gateway gateway = Gateway.builder(config).start();
    System.out.println("assay gateway " + gateway.hotkey() + " serving " + gateway.baseUrl());
    return runUntilStopped(gateway);
  }

  private static int devnet(Args options) throws Exception {
    GatewayConfig config = ConfigFiles.load(options.path("--config"), System.getenv());
    int port = options.integer("--port", 8080);
    Path dataDir = options.path("--data-dir");
    int miners = options.integer("--miners", 3);
    Devnet devnet = Devnet.start(config.withPort(port),
        dataDir == null ? Path.of("data", "devnet") : dataDir, miners);
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
