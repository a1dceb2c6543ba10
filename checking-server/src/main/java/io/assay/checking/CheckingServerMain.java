package io.assay.checking;

import io.assay.cli.CommandLines;
import io.assay.doctor.Doctor;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The standalone checking server.
 *
 * <pre>
 * java -jar assay-checking-server.jar [--config FILE] [--port P]
 * java -jar assay-checking-server.jar doctor [--config FILE] [--port P]
 * </pre>
 *
 * <p>The file holds {@code redis.url} and a {@code checking} section (see {@link
 * CheckingOptions#read(io.assay.config.ConfigNode)}); without one, defaults and environment
 * variables apply. A standalone server needs a shared Redis ({@code redis.url} or {@code
 * ASSAY_REDIS_URL}): the gateway's private Redis belongs to the gateway. Task kinds are those on
 * the class path. SIGTERM stops it cleanly: checks under way get a few seconds to finish, the
 * rest stay queued. Exit codes are {@link CommandLines}'.
 */
@Command(name = "assay-checking-server", subcommands = CheckingServerMain.DoctorCommand.class,
    description = "Checks miners' answers from the check queue of the Redis the gateways share.")
public final class CheckingServerMain implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(CheckingServerMain.class);

  @Mixin
  private ServerOptions server;

  CheckingServerMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line, printing to {@link System#out} and {@link System#err}; returns the
   * exit code (serving returns once stopped).
   */
  public static int run(String... args) {
    return CommandLines.execute(new CheckingServerMain(), args);
  }

  /** Serves until SIGTERM. */
  @Override
  public Integer call() throws InterruptedException {
    CheckingOptions options = server.read(System.getenv());
    TaskKinds kinds = TaskKinds.discover();
    log.info("task kinds: {}", kinds.all().stream().map(TaskKind::name)
        .collect(Collectors.joining(", ")));
    CheckingService service = CheckingService.start(options, kinds);
    HealthServer health = null;
    try {
      if (options.port() != 0) {
        health = HealthServer.start(options.host(), options.port(), service);
        log.info("health and metrics on http://{}:{}/", options.host(), health.port());
      }
    } catch (RuntimeException e) {
      service.stop(Duration.ZERO);
      throw e;
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
    return 0;
  }

  @Command(name = "doctor", description = {"Checks what the server needs, one line each: the"
      + " configuration, Redis, the port, the checkers' models.",
      "Exit 0 when all of it works, 1 otherwise."})
  static final class DoctorCommand implements Callable<Integer> {

    @Mixin
    private ServerOptions server;

    @Override
    public Integer call() {
      String where = server.file() == null
          ? "the configuration (defaults and ASSAY_ variables, no --config)"
          : server.file().toString();
      return Doctor.run(CheckingDoctor.checks(() -> server.read(System.getenv()), where,
          TaskKinds.discover()), System.out);
    }
  }
}
