package io.assay.gateway.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a started gateway or devnet running until the process is asked to stop (SIGTERM). */
final class UntilStopped {

  private UntilStopped() {}

  /** Returns 0 once {@code running} has been closed by the shutdown hook. */
  static int await(AutoCloseable running) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        System.err.println("assay-gateway: error while stopping: " + e.getMessage());
      }
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }
}
