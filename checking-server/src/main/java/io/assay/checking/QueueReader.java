package io.assay.checking;

import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop: reads new entries from the queue through the consumer group, takes over
 * entries other servers left idle too long, and hands both to the {@link CheckRunner}.
 *
 * <p>It runs on its own thread and owns a Redis connection of its own, because {@code XREADGROUP
 * ... BLOCK} holds a connection for up to a second and would stall result writes multiplexed on
 * it. It reads only as many entries as the in-flight semaphore has permits for, and waits for
 * permits when the workers are busy: backpressure, so a flood of answers stays in Redis, not in
 * memory.
 *
 * <p>Every claim interval (half the claim timeout, at most ten seconds) it gives up and takes
 * over idle entries through {@link IdleEntries}.
 */
final class QueueReader implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(QueueReader.class);
  private static final Duration BLOCK = Duration.ofSeconds(1);

  private final RedisClusterAsyncCommands<String, String> redis;
  private final CheckingOptions options;
  private final CheckRunner runner;
  private final CheckingMetrics metrics;
  private final Semaphore inFlight;
  private final Consumer<String> consumer;
  private final IdleEntries idle;
  private final long claimIntervalNanos;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean running = true;
  /** Permits taken for a read or claim under way, not yet given to entries. */
  private volatile int waiting;
  private long nextClaim;
  private boolean failing;

  QueueReader(RedisClusterAsyncCommands<String, String> redis, CheckingOptions options,
      CheckRunner runner, CheckingMetrics metrics, Semaphore inFlight) {
    this.redis = redis;
    this.options = options;
    this.runner = runner;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.consumer = Consumer.from(CheckingStreams.GROUP, options.consumerName());
    this.idle = new IdleEntries(redis, options, consumer, runner);
    long half = options.claimTimeout().toNanos() / 2;
    this.claimIntervalNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(100),
        Math.min(half, TimeUnit.SECONDS.toNanos(10)));
  }

  /** Creates the consumer group (and the stream) unless it exists; blocks. */
  void ensureGroup() throws InterruptedException, ExecutionException, TimeoutException {
    try {
      await(redis.xgroupCreate(XReadArgs.StreamOffset.from(CheckingStreams.QUEUE, "0"),
          CheckingStreams.GROUP, XGroupCreateArgs.Builder.mkstream(true)));
    } catch (ExecutionException e) {
      if (!String.valueOf(e.getCause().getMessage()).startsWith("BUSYGROUP")) {
        throw e;
      }
    }
  }

  /** Permits the loop holds for a read or claim under way (an estimate while it changes). */
  int waiting() {
    return waiting;
  }

  /** Asks the loop to end; it does within a second (one blocking read). */
  void stop() {
    running = false;
    stopping.countDown();
  }

  @Override
  public void run() {
    nextClaim = System.nanoTime();
    while (running) {
      try {
        if (System.nanoTime() - nextClaim >= 0) {
          idle.sweepExhausted();
          boolean more = claimIdle();
          nextClaim = System.nanoTime() + (more ? 0 : claimIntervalNanos);
        }
        readNew();
        if (failing) {
          log.info("reading {} again", CheckingStreams.QUEUE);
          failing = false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        if (!running) {
          return;
        }
        try {
          recover(e);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void readNew() throws InterruptedException, ExecutionException, TimeoutException {
    int permits = acquire(options.batch(), BLOCK.toMillis());
    if (permits == 0) {
      return;
    }
    List<StreamMessage<String, String>> messages;
    waiting = permits;
    try {
      messages = await(redis.xreadgroup(consumer,
          XReadArgs.Builder.count(permits).block(BLOCK),
          XReadArgs.StreamOffset.lastConsumed(CheckingStreams.QUEUE)));
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      inFlight.release(permits);
      throw e;
    } finally {
      waiting = 0;
    }
    inFlight.release(permits - messages.size());
    dispatch(messages, Map.of());
  }

  /**
   * Takes over entries idle longer than the claim timeout, as many as there are permits.
   *
   * @return whether more idle entries may be waiting
   */
  private boolean claimIdle() throws InterruptedException, ExecutionException, TimeoutException {
    int permits = acquire(options.batch(), 0);
    if (permits == 0) {
      return false;
    }
    IdleEntries.Claimed claimed;
    waiting = permits;
    try {
      claimed = idle.claim(permits);
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      inFlight.release(permits);
      throw e;
    } finally {
      waiting = 0;
    }
    List<StreamMessage<String, String>> messages = claimed.messages();
    inFlight.release(permits - messages.size());
    if (!messages.isEmpty()) {
      metrics.claimed(messages.size());
      log.info("took over {} entries idle for more than {}", messages.size(),
          options.claimTimeout());
    }
    dispatch(messages, claimed.deliveries());
    return claimed.more() && messages.size() == permits;
  }

  /** Hands entries, one permit each already held, to the runner grouped by task. */
  private void dispatch(List<StreamMessage<String, String>> messages,
      Map<String, Long> deliveries) {
    Map<String, List<QueueEntry>> byTask = new LinkedHashMap<>();
    for (StreamMessage<String, String> message : messages) {
      long delivered = deliveries.getOrDefault(message.getId(), 1L);
      if (delivered > options.maxDeliveries()) {
        runner.deadLetter(message.getId(), message.getBody(), "too_many_deliveries",
            "delivered " + delivered + " times without being checked", delivered);
        continue;
      }
      try {
        QueueEntry entry = QueueEntry.read(message.getId(), message.getBody());
        byTask.computeIfAbsent(entry.task(), t -> new ArrayList<>()).add(entry);
      } catch (QueueEntry.MalformedEntryException e) {
        runner.deadLetter(message.getId(), message.getBody(), "malformed_entry", e.getMessage(),
            delivered);
      }
    }
    byTask.forEach(runner::submit);
  }

  /** Takes between 1 and {@code most} permits, waiting up to {@code waitMillis} for the first. */
  private int acquire(int most, long waitMillis) throws InterruptedException {
    if (!inFlight.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
      return 0;
    }
    int taken = 1;
    while (taken < most && inFlight.tryAcquire()) {
      taken++;
    }
    return taken;
  }

  private void recover(Exception e) throws InterruptedException {
    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
    String message = String.valueOf(cause.getMessage());
    if (!failing) {
      log.warn("cannot read {} ({}); retrying every second", CheckingStreams.QUEUE, message);
      failing = true;
    }
    if (message.startsWith("NOGROUP")) {
      try {
        ensureGroup(); // the stream was deleted: start afresh
      } catch (ExecutionException | TimeoutException | RuntimeException again) {
        log.debug("cannot create the consumer group: {}", again.toString());
      }
    }
    stopping.await(1, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return IdleEntries.await(future);
  }
}
