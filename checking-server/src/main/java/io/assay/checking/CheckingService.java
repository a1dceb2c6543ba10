package io.assay.checking;

import io.assay.task.TaskKinds;
import io.assay.redis.KeyRenames;
import io.assay.redis.RedisAddress;
import io.assay.redis.RedisConnections;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running checking service: reads answers from {@link CheckingStreams#QUEUE}, checks them with
 * the reference checker of their task, and writes one {@code quality_checked} event per answer to
 * {@link CheckingStreams#EVENTS}. Runs alone ({@link CheckingServerMain}) or inside the gateway;
 * any number of services may share one Redis, and each answer is scored exactly once.
 *
 * <p>How it works: a loop thread reads the queue through the consumer group (and takes over
 * entries other services left idle, see {@link CheckingOptions#claimTimeout()}), a fixed pool of
 * worker threads runs the checkers, and each result is written and acknowledged by one Lua
 * script. Checkers are made once per task and process, on first use. An entry stays pending in
 * Redis until its result is written, so nothing is lost when a service dies; one that fails
 * {@link CheckingOptions#maxDeliveries()} times goes to {@link CheckingStreams#DEAD}.
 *
 * <p>Thread-safe. {@link #start} blocks until Redis answers; {@link #stop} until the service has
 * stopped.
 */
public final class CheckingService implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CheckingService.class);
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  private final CheckingOptions options;
  private final RedisConnections client;
  private final RedisConnections.Connection<String, String> reads;
  private final RedisConnections.Connection<String, String> writes;
  private final ThreadPoolExecutor workers;
  private final TaskCheckers checkers;
  private final QueueReader reader;
  private final Thread loop;
  private final CheckingMetrics metrics;
  private final Semaphore inFlight;
  private final AtomicInteger state = new AtomicInteger(RUNNING);

  private static final int RUNNING = 0;
  private static final int STOPPING = 1;
  private static final int STOPPED = 2;

  private CheckingService(CheckingOptions options, TaskKinds kinds, Clock clock,
      PrometheusRegistry registry, RedisConnections client,
      RedisConnections.Connection<String, String> reads,
      RedisConnections.Connection<String, String> writes) {
    this.options = options;
    this.client = client;
    this.reads = reads;
    this.writes = writes;
    this.checkers = new TaskCheckers(kinds, options.upstreams(), options.checkerSettings());
    this.inFlight = new Semaphore(options.maxInFlight());
    this.metrics = new CheckingMetrics(registry);
    this.workers = new ThreadPoolExecutor(options.workers(), options.workers(), 0,
        TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(options.maxInFlight()),
        threads("assay-checker-"));
    CheckRunner runner = new CheckRunner(checkers, new ResultStore(writes.commands(), options.verdictTimeout()), metrics,
        inFlight, workers, clock, options.consumerName());
    this.reader = new QueueReader(reads.commands(), options, runner, metrics, inFlight);
    // Permits held, less those the reader holds while it waits for entries.
    metrics.watchInFlight(() -> Math.max(0,
        options.maxInFlight() - inFlight.availablePermits() - reader.waiting()));
    this.loop = threads("assay-checking-loop").newThread(reader);
  }

  /**
   * Connects to {@code options.redisUrl()}, creates the consumer group if needed and starts
   * checking.
   *
   * @param kinds the task kinds whose answers this service checks ({@link TaskKinds#discover()}
   *     in production)
   * @throws CheckingException when Redis cannot be reached or the queue cannot be set up
   * @throws io.assay.config.ConfigException when a kind's checker settings are unusable
   */
  public static CheckingService start(CheckingOptions options, TaskKinds kinds) {
    return start(options, kinds, new PrometheusRegistry());
  }

  /**
   * As {@link #start(CheckingOptions, TaskKinds)}, with the service's metrics in {@code
   * registry} (the embedding process's own).
   */
  public static CheckingService start(CheckingOptions options, TaskKinds kinds,
      PrometheusRegistry registry) {
    return start(options, kinds, Clock.systemUTC(), registry);
  }

  /**
   * Refuses what {@link #start} would refuse of {@code options} without connecting anywhere:
   * each kind's checker settings.
   *
   * @throws io.assay.config.ConfigException naming the key of an unusable setting
   */
  public static void validate(CheckingOptions options, TaskKinds kinds) {
    TaskCheckers.validateSettings(kinds, options.checkerSettings());
  }

  static CheckingService start(CheckingOptions options, TaskKinds kinds, Clock clock,
      PrometheusRegistry registry) {
    Objects.requireNonNull(kinds, "kinds");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(registry, "registry");
    if (options.redisUrl() == null) {
      throw new IllegalArgumentException("the checking service needs a Redis URL (redis.url)");
    }
    validate(options, kinds);
    RedisAddress address = RedisAddress.parseConfigured(options.redisUrl());
    // Results are written by idempotent scripts, so commands cut off by a lost connection may
    // be sent again on reconnection.
    RedisConnections client = RedisConnections.create(address, new RedisConnections.Settings(
        Math.max(10_000, 4 * options.maxInFlight()), Duration.ofSeconds(10), false));
    CheckingService service;
    try {
      service = new CheckingService(options, kinds, clock, registry, client, client.connect(),
          client.connect());
      if (!address.cluster()) {
        KeyRenames.of(CheckingStreams.RENAMED).apply(service.writes.commands());
      }
      service.reader.ensureGroup();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.close();
      throw new CheckingException("interrupted while connecting to Redis", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      client.close();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new CheckingException("cannot use the check queue " + CheckingStreams.QUEUE
          + " in Redis at " + address.describe() + ": " + cause.getMessage(), cause);
    }
    service.loop.start();
    log.info("checking service '{}' reading {} with {} workers", options.consumerName(),
        CheckingStreams.QUEUE, options.workers());
    return service;
  }

  public CheckingOptions options() {
    return options;
  }

  /** Counters since start; live. */
  public CheckingMetrics metrics() {
    return metrics;
  }

  /**
   * Registers the check queue's gauges in the service's registry, read through the service's
   * Redis connection: for a standalone server, which has no gateway to show them.
   */
  public CheckQueueGauges registerQueueGauges() {
    return CheckQueueGauges.register(metrics.registry(), writes.commands());
  }

  /** Whether the service is running and connected to Redis. */
  public boolean isReady() {
    return state.get() == RUNNING && loop.isAlive() && reads.state().isOpen()
        && writes.state().isOpen();
  }

  /** {@link #stop(Duration)} with a grace of ten seconds. */
  public void stop() {
    stop(DEFAULT_GRACE);
  }

  /**
   * Stops reading, lets checks under way finish for up to {@code grace}, then abandons the rest
   * and closes the checkers and the Redis connections. Abandoned entries stay pending and are
   * taken over by another service after the claim timeout. Idempotent; blocks until stopped.
   */
  public void stop(Duration grace) {
    if (!state.compareAndSet(RUNNING, STOPPING)) {
      return;
    }
    reader.stop();
    try {
      loop.join(2_000);
      workers.shutdown();
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        int running = workers.getActiveCount();
        int dropped = workers.shutdownNow().size();
        if (running + dropped > 0) {
          log.warn("{} checks still running and {} waiting after {}; abandoning them (their"
              + " entries stay pending for another server)", running, dropped, grace);
        }
        workers.awaitTermination(2, TimeUnit.SECONDS);
      } else if (!inFlight.tryAcquire(options.maxInFlight(), 5, TimeUnit.SECONDS)) {
        log.warn("results still being written after the checks ended; their entries stay"
            + " pending");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    } finally {
      reads.close();
      writes.close();
      client.close();
      checkers.close();
      state.set(STOPPED);
      log.info("checking service '{}' stopped", options.consumerName());
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix.endsWith("-") ? prefix + n.incrementAndGet()
          : prefix);
      thread.setDaemon(true);
      return thread;
    };
  }
}
