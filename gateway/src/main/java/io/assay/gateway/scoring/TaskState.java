package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The held part of one task's log: its miners' series, its test plans of the periods still in
 * the volume window, and the newest answers that left the quality window (they may still draw
 * the zk speed curve). Not thread-safe.
 */
final class TaskState {

  final String task;
  /** Every series, by hotkey, including those known only from a verdict so far. */
  final SortedMap<String, SeriesState> series = new TreeMap<>();
  /** The same, for look-ups by hotkey on every event. */
  private final Map<String, SeriesState> byMiner = new HashMap<>();
  /** The first plan of each period. */
  final Map<Long, TestPlanned> plans = new HashMap<>();
  final OldAnswers oldRecent = new OldAnswers();

  TaskState(String task) {
    this.task = task;
  }

  SeriesState series(String miner) {
    SeriesState s = byMiner.get(miner);
    if (s == null) {
      s = new SeriesState(this, miner);
      byMiner.put(miner, s);
      series.put(miner, s);
    }
    return s;
  }

  /** The series a declaration, outcome or shortfall made visible, by hotkey. */
  SortedMap<String, SeriesState> registered() {
    SortedMap<String, SeriesState> out = new TreeMap<>();
    series.forEach((miner, s) -> {
      if (s.registered) {
        out.put(miner, s);
      }
    });
    return out;
  }
}
