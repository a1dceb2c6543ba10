package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway knows of one miner right now: how to reach it, how it has been doing, and its
 * declared and consumed capacity per task in the current period. Thread-safe: fields are atomics
 * or volatile, updated from any event loop.
 */
public final class MinerNode {

  private final MinerClient client;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, TaskCapacity> capacity = new ConcurrentHashMap<>();
  private volatile double latencyMillis = Double.NaN;
  private volatile long avoidUntilMillis;
  private volatile int consecutiveFailures;

  public MinerNode(MinerClient client) {
    this.client = client;
  }

  public MinerClient client() {
    return client;
  }

  public String name() {
    return client.name();
  }

  public String hotkey() {
    return client.hotkey().value();
  }

  int inFlight() {
    return inFlight.get();
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void finished() {
    inFlight.decrementAndGet();
  }

  /** Smoothed latency of successful answers; NaN before the first one. */
  public double latencyMillis() {
    return latencyMillis;
  }

  boolean available(long nowMillis) {
    return nowMillis >= avoidUntilMillis;
  }

  void succeeded(double millis) {
    consecutiveFailures = 0;
    double previous = latencyMillis;
    latencyMillis = Double.isNaN(previous) ? millis : previous * 0.8 + millis * 0.2;
  }

  /** Backs off for {@code cooldown} times the run of failures (capped at 6x). */
  void failed(long nowMillis, long cooldownMillis) {
    int run = Math.min(++consecutiveFailures, 6);
    avoidUntilMillis = nowMillis + cooldownMillis * run;
  }

  /** Current declared and consumed capacity for {@code taskId}; null if it declared none. */
  public TaskCapacity capacity(String taskId) {
    return capacity.get(taskId);
  }

  public Map<String, TaskCapacity> capacities() {
    return Map.copyOf(capacity);
  }

  /**
   * Records what the miner declared for {@code period}. The first declaration of a period stands
   * (it is the one scored); consumption carries over within a period and starts from zero in a
   * new one.
   */
  void declare(String taskId, long period, long declared) {
    capacity.compute(taskId, (id, old) -> {
      if (old == null || old.period != period) {
        return new TaskCapacity(period, declared, new AtomicLong(), new AtomicLong());
      }
      return old.declared > 0 ? old : old.withDeclared(declared);
    });
  }

  /** Forgets every declaration: the miner serves nothing until it declares again. */
  void clearCapacity() {
    capacity.replaceAll((id, old) -> old.withDeclared(0));
  }

  /**
   * A task's capacity in one period. {@code consumed} counts work done and reserved for requests
   * in flight, so concurrent requests cannot overshoot what was declared.
   */
  public record TaskCapacity(long period, long declared, AtomicLong consumed,
      AtomicLong rateLimitedUntilMillis) {

    TaskCapacity withDeclared(long newDeclared) {
      return new TaskCapacity(period, newDeclared, consumed, rateLimitedUntilMillis);
    }

    public long remaining() {
      return declared - consumed.get();
    }

    /** Reserves {@code units} if they fit; false leaves nothing reserved. */
    boolean tryReserve(long units) {
      while (true) {
        long used = consumed.get();
        if (used + units > declared) {
          return false;
        }
        if (consumed.compareAndSet(used, used + units)) {
          return true;
        }
      }
    }
  }
}
