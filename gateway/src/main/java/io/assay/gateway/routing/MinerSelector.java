package io.assay.gateway.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Picks the miner for one organic request.
 *
 * <p>Eligible are the miners bound to the task this period whose declaration still has room
 * for the request, in volume and in requests at once, that are not backing off on the task
 * after failures or a 429 ({@link TaskCapacity#admits}), that were not tried already for
 * this request, and, for a task run in a TEE, whose session is attested for it ({@link
 * io.assay.gateway.miner.MinerClient#mayServe}). Among
 * them it prefers the miners that serve the task best, as subnet 19 keeps organic traffic on its
 * top contenders: two candidates are drawn with probability proportional to {@code (0.05 +
 * t / max t) * reliability}, {@code t} the miner's current task score and {@code reliability}
 * its smoothed success rate, and the one with the shorter expected wait (smoothed latency times
 * its requests in flight over its declared concurrency) is taken. The floor of 0.05 keeps new
 * and low-scored miners in the draw; the two choices keep one top miner from taking every
 * request while others idle. Test windows are not this class's business: every miner gets its
 * window whatever organic routing prefers.
 */
final class MinerSelector {

  /** Assumed latency of a miner never measured: optimistic, so new miners get tried. */
  private static final double UNMEASURED_MILLIS = 1.0;
  private static final double FLOOR = 0.05;

  private final RandomGenerator random;

  MinerSelector(RandomGenerator random) {
    this.random = random;
  }

  /** The chosen miner, or null when none is eligible. */
  MinerNode choose(Collection<MinerNode> miners, String taskId, long period, long units,
      Set<String> tried, long nowMillis) {
    List<MinerNode> eligible = new ArrayList<>();
    double best = 0;
    for (MinerNode node : miners) {
      if (tried.contains(node.hotkey()) || !node.client().mayServe(taskId)) {
        continue;
      }
      TaskCapacity cap = node.capacity(taskId, period);
      if (cap == null || !cap.admits(units, nowMillis)) {
        continue;
      }
      eligible.add(node);
      best = Math.max(best, node.taskScore(taskId));
    }
    if (eligible.size() <= 1) {
      return eligible.isEmpty() ? null : eligible.get(0);
    }
    double[] weights = new double[eligible.size()];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      MinerNode node = eligible.get(i);
      double score = best > 0 ? node.taskScore(taskId) / best : 0;
      weights[i] = (FLOOR + score) * Math.max(node.reliability(), 0.01);
      total += weights[i];
    }
    MinerNode a = eligible.get(draw(weights, total));
    MinerNode b = eligible.get(draw(weights, total));
    return wait(a, taskId, period) <= wait(b, taskId, period) ? a : b;
  }

  private int draw(double[] weights, double total) {
    double u;
    synchronized (random) {
      u = random.nextDouble() * total;
    }
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static double wait(MinerNode node, String taskId, long period) {
    double latency = node.latencyMillis();
    TaskCapacity cap = node.capacity(taskId, period);
    int inFlight = cap == null ? 0 : cap.inFlight();
    int concurrency = cap == null ? 1 : Math.max(1, cap.concurrency());
    return (Double.isNaN(latency) ? UNMEASURED_MILLIS : latency) * (inFlight + 1) / concurrency;
  }
}
