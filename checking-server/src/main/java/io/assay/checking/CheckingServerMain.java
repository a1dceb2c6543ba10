package io.assay.checking;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone checking server.
 *
 * <pre>
 * java -jar assay-checking-server.jar [--config FILE] [--port P]
 * </pre>
 *
 * <p>The file holds {@code redis.url} and a {@code checking} section (see {@link
 * CheckingOptions#read(ConfigNode)}); without one, defaults and environment variables apply.
 * A standalone server needs a shared Redis ({@code redis.url} or {@code ASSAY_REDIS_URL}): the
 * gateway's private Redis belongs to the gateway. Task kinds are those on the class path. SIGTERM
 * stops it cleanly: checks under way get a few seconds to finish, the rest stay queued.
 */
public final class CheckingServerMain {

  private static final Logger log = LoggerFactory.getLogger(CheckingServerMain.class);
  private static final String USAGE = "usage: assay-checking-server [--config FILE] [--port P]";

  private CheckingServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (printedHelp(List.of(args), System.out)) {
      System.exit(0);
      return;
    }
    CheckingOptions options;
    try {
      options = options(List.of(args), System.getenv());
    } catch (UsageException e) {
      System.err.println("assay-checking-server: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (ConfigException e) {
      System.err.println("assay-checking-server: " + e.getMessage());
      System.exit(2);
      return;
    }
    TaskKinds kinds = TaskKinds.discover();
    log.info("task kinds: {}", kinds.all().stream().map(TaskKind::name)
        .collect(Collectors.joining(", ")));
    CheckingService service;
    HealthServer health = null;
    try {
      service = CheckingService.start(options, kinds);
      if (options.port() != 0) {
        health = HealthServer.start(options.host(), options.port(), service);
        log.info("health and metrics on http://{}:{}/", options.host(), health.port());
      }
    } catch (CheckingException e) {
      System.err.println("assay-checking-server: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    HealthServer endpoints = health;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.stop(Duration.ofSeconds(5));
      if (endpoints != null) {
        endpoints.close();
      }
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }

  /** Prints the usage when {@code args} ask for help ({@code --help}, {@code -h}). */
  public static boolean printedHelp(List<String> args, java.io.PrintStream out) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(USAGE);
      return true;
    }
    return false;
  }

  /**
   * The options the command line and environment ask for.
   *
   * @throws UsageException for bad arguments
   * @throws ConfigException naming the key for a bad or missing setting
   */
  static CheckingOptions options(List<String> args, Map<String, String> env) {
    Path file = null;
    Integer port = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (i + 1 >= args.size() || !(arg.equals("--config") || arg.equals("--port"))) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      String value = args.get(++i);
      if (arg.equals("--config")) {
        file = Path.of(value);
      } else {
        try {
          port = Integer.parseInt(value);
        } catch (NumberFormatException e) {
          throw new UsageException("--port expects a number, got '" + value + "'");
        }
      }
    }
    ConfigNode root = file == null ? ConfigNode.empty(env) : ConfigNode.load(file, env);
    CheckingOptions options = CheckingOptions.read(root);
    try {
      root.rejectUnknownKeys();
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (a checking server's file holds only redis.url"
          + " and a checking section)");
    }
    if (port != null) {
      options = options.withPort(port);
    }
    if (options.redisUrl() == null) {
      throw new ConfigException("config key 'redis.url' is required: a standalone checking server"
          + " reads the check queue from the Redis the gateways share (set redis.url in the"
          + " config file or ASSAY_REDIS_URL, e.g. redis://127.0.0.1:6379)");
    }
    return options;
  }

  /** The command line itself is wrong. */
  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }
}
