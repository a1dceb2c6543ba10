package io.assay.gateway.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long whole answers of each task have recently taken per work unit, and the hedge delay
 * that gives a request: past it, a user's request still unanswered is also sent to another
 * miner, so one frozen or dripping miner does not keep the user waiting for the miner timeout.
 * The delay is {@link #FACTOR} times the 99th percentile of recent seconds per unit, times the
 * request's estimate, and at least {@link #FLOOR_MILLIS}: far enough out that an honest miner
 * rarely sees its requests hedged, and none before {@link #MIN_SAMPLES} answers were seen.
 *
 * <p>Hedges are budgeted: at most {@link #HEDGE_SHARE} of a task's answers (and one to begin
 * with), so that when every miner is slow because the market is loaded, hedging cannot double
 * the load it is meant to route around.
 *
 * <p>Thread-safe; the percentile is recomputed every {@link #REFRESH} answers, not per request.
 */
final class AnswerTimes {

  static final int SAMPLES = 256;
  static final int MIN_SAMPLES = 50;
  static final int REFRESH = 32;
  static final double FACTOR = 4;
  static final long FLOOR_MILLIS = 1_000;
  static final double HEDGE_SHARE = 0.05;

  private final Map<String, Ring> byTask = new ConcurrentHashMap<>();

  /** Records a whole answer of {@code task} that took {@code seconds} for {@code units}. */
  void record(String task, double seconds, long units) {
    if (units <= 0 || !(seconds >= 0)) {
      return;
    }
    byTask.computeIfAbsent(task, t -> new Ring()).add(seconds / units);
  }

  /** Milliseconds after which a request of {@code units} is hedged; -1: do not hedge. */
  long hedgeDelayMillis(String task, long units) {
    Ring ring = byTask.get(task);
    double p99 = ring == null ? Double.NaN : ring.p99;
    if (Double.isNaN(p99) || units <= 0) {
      return -1;
    }
    double millis = FACTOR * p99 * units * 1000;
    return (long) Math.min(Long.MAX_VALUE / 2, Math.max(FLOOR_MILLIS, millis));
  }

  /** Takes one hedge of {@code task}'s budget; false when the budget is spent. */
  boolean tryHedge(String task) {
    Ring ring = byTask.get(task);
    return ring != null && ring.tryHedge();
  }

  /** The newest {@link #SAMPLES} seconds-per-unit of one task, and its hedges so far. */
  private static final class Ring {
    private final double[] values = new double[SAMPLES];
    private long count;
    private long hedges;
    private volatile double p99 = Double.NaN;

    synchronized boolean tryHedge() {
      if (hedges + 1 > Math.max(1, HEDGE_SHARE * count)) {
        return false;
      }
      hedges++;
      return true;
    }

    synchronized void add(double secondsPerUnit) {
      values[(int) (count % SAMPLES)] = secondsPerUnit;
      count++;
      if (count >= MIN_SAMPLES && (count % REFRESH == 0 || Double.isNaN(p99))) {
        double[] sorted = Arrays.copyOf(values, (int) Math.min(count, SAMPLES));
        Arrays.sort(sorted);
        p99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
      }
    }
  }
}
