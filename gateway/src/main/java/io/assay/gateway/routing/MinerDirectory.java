package io.assay.gateway.routing;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The miners this gateway routes to, by hotkey. Thread-safe. */
public final class MinerDirectory {

  private final Map<String, MinerNode> byHotkey = new ConcurrentHashMap<>();

  /** Adds a miner, or replaces the one with the same hotkey (a new address). */
  public void put(MinerNode node) {
    byHotkey.put(node.hotkey(), node);
  }

  public MinerNode get(String hotkey) {
    return byHotkey.get(hotkey);
  }

  public Collection<MinerNode> all() {
    return List.copyOf(byHotkey.values());
  }

  /** Gives every miner its task scores {@code t} from a weight computation (0 if absent). */
  public void applyScores(io.assay.gateway.scoring.WeightReport report) {
    for (MinerNode node : byHotkey.values()) {
      io.assay.gateway.scoring.WeightReport.MinerReport m = report.miners().get(node.hotkey());
      java.util.Map<String, Double> scores = new java.util.HashMap<>();
      if (m != null) {
        m.tasks().forEach((task, r) -> scores.put(task, r.taskScore()));
      }
      node.taskScores(scores);
    }
  }
}
