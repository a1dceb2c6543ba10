package io.assay.miner;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named, bounded executors for model inference, so it never runs on an event loop. */
public final class Workers {

  private Workers() {}

  /**
   * A fixed pool of {@code threads} daemon threads named {@code prefix-N} with a bounded queue;
   * when the queue is full the submitter gets a {@link
   * java.util.concurrent.RejectedExecutionException} rather than memory growing without end.
   */
  public static ExecutorService bounded(String prefix, int threads, int queueSize) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueSize), r -> {
          Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** One thread per core: inference is CPU-bound. */
  public static ExecutorService inference() {
    return bounded("inference", Runtime.getRuntime().availableProcessors(), 4096);
  }
}
