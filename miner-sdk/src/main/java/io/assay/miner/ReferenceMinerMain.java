package io.assay.miner;

import io.assay.cli.CommandLines;
import io.assay.config.ConfigNode;
import io.assay.doctor.Doctor;
import io.assay.task.TaskKinds;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The runnable reference miner.
 *
 * <pre>
 * java -jar assay-miner.jar --config miner.yaml        serve the configured tasks
 * java -jar assay-miner.jar keygen --out miner.key     write a new identity and print its hotkey
 * java -jar assay-miner.jar check --config miner.yaml  one request per task to its backend
 * java -jar assay-miner.jar doctor --config miner.yaml what works and what is missing
 * </pre>
 *
 * <p>Exit codes are {@link CommandLines}': 0 done, 1 failed, 2 a usage or configuration error.
 */
@Command(name = "assay-miner",
    subcommands = {ReferenceMinerMain.CheckCommand.class, KeygenCommand.class,
        ReferenceMinerMain.DoctorCommand.class},
    description = "The reference miner: serves the tasks of its configuration file.")
public final class ReferenceMinerMain implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "the miner's configuration (see config/miner.yaml); needed to serve")
  private Path config;

  ReferenceMinerMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line, printing to {@link System#out} and {@link System#err}; returns the
   * exit code (serving returns once stopped).
   */
  public static int run(String... args) {
    return CommandLines.execute(new ReferenceMinerMain(), args);
  }

  /** Serves until SIGTERM. */
  @Override
  public Integer call() throws InterruptedException {
    if (config == null) {
      throw CommandLines.usageError(spec, "Missing required option: '--config FILE' (the"
          + " miner serves the tasks of its configuration file)");
    }
    MinerConfig read = read(config);
    ExecutorService workers = Workers.inference();
    Miner miner = new MinerFactory(TaskKinds.discover(), workers).create(read);
    miner.start().toCompletableFuture().join();
    System.out.println("miner " + miner.name() + " " + miner.hotkey() + " listening on port "
        + miner.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      miner.close();
      workers.shutdownNow();
      stopped.countDown();
    }, "miner-shutdown"));
    stopped.await();
    return 0;
  }

  private static MinerConfig read(Path file) {
    return MinerConfig.read(ConfigNode.load(file, System.getenv()),
        file.toAbsolutePath().getParent());
  }

  @Command(name = "check", description = {"Sends one request of each configured task to its"
      + " backend and reads the answer as a validator would, a line a task.",
      "Exit 1 if any task did not answer."})
  static final class CheckCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", required = true,
        description = "the miner's configuration")
    private Path config;

    @Override
    public Integer call() {
      MinerConfig read = read(config);
      ExecutorService workers = Workers.inference();
      try {
        return BackendCheck.run(read, TaskKinds.discover(), workers, System.out);
      } finally {
        workers.shutdownNow();
      }
    }
  }

  @Command(name = "doctor", description = {"Checks what the miner needs, one line each: the"
      + " configuration, the identity file, the port, Node and snarkjs for zk tasks, the"
      + " embeddings model.", "Exit 0 when all of it works, 1 otherwise."})
  static final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", required = true,
        description = "the miner's configuration, as served")
    private Path config;

    @Override
    public Integer call() {
      ExecutorService workers = Workers.inference();
      try {
        return Doctor.run(MinerDoctor.checks(config, System.getenv(), TaskKinds.discover(),
            workers), System.out);
      } finally {
        workers.shutdownNow();
      }
    }
  }
}
