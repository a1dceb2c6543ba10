package io.assay.gateway.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Picks a miner for one request.
 *
 * <p>Eligible are the miners that declared capacity for the task this period with enough left,
 * are not backing off after failures or a 429, and were not tried already for this request. Among
 * them it takes two at random and keeps the cheaper (the "power of two choices"): cost is the
 * expected wait, smoothed latency times (requests in flight + 1). That prefers healthy, fast
 * miners while still spreading load, and never herds every request onto one miner the way always
 * taking the best would.
 */
final class MinerSelector {

  /** Assumed latency of a miner never measured: optimistic, so new miners get tried. */
  private static final double UNMEASURED_MILLIS = 1.0;

  private final RandomGenerator random;

  MinerSelector(RandomGenerator random) {
    this.random = random;
  }

  /** The chosen miner, or null when none is eligible. */
  MinerNode choose(Collection<MinerNode> miners, String taskId, long units, Set<String> tried,
      long nowMillis) {
    List<MinerNode> eligible = new ArrayList<>();
    for (MinerNode node : miners) {
      if (tried.contains(node.hotkey()) || !node.available(nowMillis)) {
        continue;
      }
      MinerNode.TaskCapacity cap = node.capacity(taskId);
      if (cap == null || cap.remaining() < units
          || cap.rateLimitedUntilMillis().get() > nowMillis) {
        continue;
      }
      eligible.add(node);
    }
    if (eligible.isEmpty()) {
      return null;
    }
    if (eligible.size() == 1) {
      return eligible.get(0);
    }
    MinerNode a = drawByCapacity(eligible, taskId);
    MinerNode b = drawByCapacity(eligible, taskId);
    return cost(a) <= cost(b) ? a : b;
  }

  private MinerNode drawByCapacity(List<MinerNode> eligible, String taskId) {
    double total = 0;
    for (MinerNode node : eligible) {
      total += node.capacity(taskId).remaining();
    }
    double u = random.nextDouble() * total;
    for (MinerNode node : eligible) {
      u -= node.capacity(taskId).remaining();
      if (u < 0) {
        return node;
      }
    }
    return eligible.get(eligible.size() - 1);
  }

  private static double cost(MinerNode node) {
    double latency = node.latencyMillis();
    return (Double.isNaN(latency) ? UNMEASURED_MILLIS : latency) * (node.inFlight() + 1);
  }
}
