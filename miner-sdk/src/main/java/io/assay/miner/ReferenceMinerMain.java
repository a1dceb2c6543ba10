package io.assay.miner;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.protocol.Identity;
import io.assay.task.TaskKinds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

/**
 * The runnable reference miner.
 *
 * <pre>
 * java -jar assay-miner.jar --config miner.yaml      serve the configured tasks
 * java -jar assay-miner.jar keygen --out miner.key   write a new identity and print its hotkey
 * java -jar assay-miner.jar check --config miner.yaml one request per task to its backend
 * </pre>
 */
public final class ReferenceMinerMain {

  private ReferenceMinerMain() {}

  public static void main(String[] args) throws Exception {
    try {
      System.exit(run(args));
    } catch (ConfigException e) {
      System.err.println("assay-miner: " + e.getMessage());
      System.exit(2);
    }
  }

  /** What the miner's command line takes. */
  static final String USAGE = "usage: assay-miner --config FILE | check --config FILE"
      + " | keygen --out FILE";

  public static int run(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help")
        || java.util.Arrays.asList(args).contains("-h")) {
      System.out.println(USAGE);
      return 0;
    }
    if (args.length >= 1 && args[0].equals("keygen")) {
      return keygen(args);
    }
    if (args.length == 2 && args[0].equals("--config")) {
      return serve(Path.of(args[1]));
    }
    if (args.length == 3 && args[0].equals("check") && args[1].equals("--config")) {
      return check(Path.of(args[2]));
    }
    System.err.println(USAGE);
    return 2;
  }

  private static int check(Path configFile) throws Exception {
    MinerConfig config = MinerConfig.read(ConfigNode.load(configFile, System.getenv()),
        configFile.toAbsolutePath().getParent());
    ExecutorService workers = Workers.inference();
    try {
      return BackendCheck.run(config, TaskKinds.discover(), workers, System.out);
    } finally {
      workers.shutdownNow();
    }
  }

  private static int keygen(String[] args) throws IOException {
    if (args.length != 3 || !args[1].equals("--out")) {
      System.err.println("usage: assay-miner keygen --out FILE");
      return 2;
    }
    Path out = Path.of(args[2]);
    if (Files.exists(out)) {
      System.err.println("assay-miner: " + out + " exists; refusing to overwrite an identity");
      return 1;
    }
    Identity identity = Identity.generate();
    identity.save(out);
    System.out.println(identity.hotkey().value());
    return 0;
  }

  private static int serve(Path configFile) throws Exception {
    ConfigNode root = ConfigNode.load(configFile, System.getenv());
    Path baseDir = configFile.toAbsolutePath().getParent();
    MinerConfig config = MinerConfig.read(root, baseDir);
    ExecutorService workers = Workers.inference();
    Miner miner = new MinerFactory(TaskKinds.discover(), workers).create(config);
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
}
