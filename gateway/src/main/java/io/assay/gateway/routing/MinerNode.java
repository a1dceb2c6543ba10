package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the gateway knows of one miner right now: how to reach it, how it has been doing, its
 * binding declaration per task for the current period, and its task scores from the latest
 * weight computation. Thread-safe: fields are volatile or concurrent, updated from any event
 * loop.
 */
public final class MinerNode {

  private final MinerClient client;
  private final Map<String, TaskCapacity> capacity = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight =
      new ConcurrentHashMap<>();
  private volatile Map<String, Double> taskScores = Map.of();
  private volatile double latencyMillis = Double.NaN;
  private volatile double reliability = 1;

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

  /** Smoothed latency of successful answers; NaN before the first one. */
  public double latencyMillis() {
    return latencyMillis;
  }

  /** Smoothed share of attempts that succeeded, 0 to 1; 1 before the first. */
  public double reliability() {
    return reliability;
  }

  void succeeded(double millis) {
    double previous = latencyMillis;
    latencyMillis = Double.isNaN(previous) ? millis : previous * 0.8 + millis * 0.2;
    reliability = reliability * 0.9 + 0.1;
  }

  void failed() {
    reliability = reliability * 0.9;
  }

  /**
   * The binding declaration for {@code taskId} in {@code period}, or null when the miner is
   * not bound to one (it declared nothing for the task, or not within the grace window).
   */
  public TaskCapacity capacity(String taskId, long period) {
    TaskCapacity c = capacity.get(taskId);
    return c != null && c.period() == period ? c : null;
  }

  /** The latest binding of every task, by task id (some may be of earlier periods). */
  public Map<String, TaskCapacity> capacities() {
    return Map.copyOf(capacity);
  }

  /**
   * Binds the miner's declaration for {@code period}, unless one is bound already: the first
   * declaration of a period stands (SCORING.md section 1).
   *
   * @return the binding in force (the new one, or the one already bound)
   */
  public TaskCapacity bind(String taskId, long period, long declared, int concurrency) {
    return bind(taskId, period, declared, concurrency, null);
  }

  /**
   * As above, leasing the capacity from {@code ledger}, shared by the gateways that share the
   * store (null: this gateway alone asks the miner).
   */
  public TaskCapacity bind(String taskId, long period, long declared, int concurrency,
      CapacityLedger ledger) {
    java.util.concurrent.atomic.AtomicInteger running = inFlight.computeIfAbsent(taskId,
        t -> new java.util.concurrent.atomic.AtomicInteger());
    return capacity.compute(taskId, (id, old) -> old != null && old.period() == period ? old
        : new TaskCapacity(period, declared, concurrency, running, ledger == null ? null
            : new SharedCapacity(ledger, period, hotkey(), taskId, declared)));
  }

  /** The miner's share {@code t} of each task's weight in the latest weight computation. */
  public double taskScore(String taskId) {
    return taskScores.getOrDefault(taskId, 0.0);
  }

  /** Replaces the task scores with those of a new weight computation. */
  public void taskScores(Map<String, Double> scores) {
    this.taskScores = Map.copyOf(scores);
  }
}
