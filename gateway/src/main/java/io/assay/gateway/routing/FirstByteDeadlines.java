package io.assay.gateway.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long a miner may take before its answer to a (non-streamed) request starts, per task,
 * learnt from the task's recent answers: past it, the request goes to another miner instead of
 * waiting out the whole miner timeout on one that froze. Answers take time in proportion to the
 * work asked for, so what is kept is milliseconds per estimated unit; the deadline is {@link
 * #FACTOR} times the 95th percentile of the last {@link #SAMPLES} answers, times the request's
 * estimate, plus {@link #BASE_MILLIS}, never below {@link #MIN_MILLIS} nor above the miner
 * timeout. With fewer than {@link #WARM} answers seen, the miner timeout applies. Thread-safe.
 */
public final class FirstByteDeadlines {

  static final int SAMPLES = 128;
  static final int WARM = 20;
  static final double FACTOR = 4;
  static final long BASE_MILLIS = 500;
  static final long MIN_MILLIS = 2_000;

  private final long maxMillis;
  private final Map<String, Ring> tasks = new ConcurrentHashMap<>();

  /** @param maxMillis the miner timeout: no deadline is longer */
  public FirstByteDeadlines(long maxMillis) {
    this.maxMillis = maxMillis;
  }

  /** A miner answered a request of {@code units} (its estimate) after {@code millis}. */
  public void answered(String task, long units, long millis) {
    tasks.computeIfAbsent(task, t -> new Ring()).add((double) millis / Math.max(1, units));
  }

  /** How long a request of {@code units} may wait for a miner's answer to start. */
  public long deadlineMillis(String task, long units) {
    Ring ring = tasks.get(task);
    double p95 = ring == null ? Double.NaN : ring.p95();
    if (Double.isNaN(p95)) {
      return maxMillis;
    }
    double millis = FACTOR * p95 * Math.max(1, units) + BASE_MILLIS;
    return Math.min(maxMillis, Math.max(MIN_MILLIS, (long) Math.ceil(millis)));
  }

  /**
   * The last {@link #SAMPLES} values and their 95th percentile, worked out again every {@link
   * #REFRESH} values rather than on every request.
   */
  private static final class Ring {
    private static final int REFRESH = 16;
    private final double[] values = new double[SAMPLES];
    private long count;
    private volatile double p95 = Double.NaN;

    synchronized void add(double value) {
      values[(int) (count++ % SAMPLES)] = value;
      int n = (int) Math.min(count, SAMPLES);
      if (n >= WARM && (Double.isNaN(p95) || count % REFRESH == 0)) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        p95 = sorted[Math.min(n - 1, (int) Math.ceil(0.95 * n) - 1)];
      }
    }

    /** The 95th percentile, or NaN before {@link #WARM} values. */
    double p95() {
      return p95;
    }
  }
}
