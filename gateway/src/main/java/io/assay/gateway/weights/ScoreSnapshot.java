package io.assay.gateway.weights;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.scoring.WeightReport;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One computation's quality and task score of every (miner, task), as kept for the operator's
 * charts of scores over time; the weights themselves are in the computation history. Immutable.
 *
 * @param computedAt epoch millis of the computation
 * @param miners by hotkey, then task id
 */
public record ScoreSnapshot(
    @JsonProperty("computed_at") long computedAt,
    @JsonProperty("miners") SortedMap<String, SortedMap<String, Scores>> miners) {

  /**
   * @param quality {@code Q}, or null when no answer was checked
   * @param taskScore {@code t}
   */
  public record Scores(
      @JsonProperty("quality") Double quality,
      @JsonProperty("task_score") double taskScore) {}

  /** The scores of {@code report}. */
  public static ScoreSnapshot of(WeightReport report) {
    SortedMap<String, SortedMap<String, Scores>> miners = new TreeMap<>();
    report.miners().forEach((hotkey, m) -> {
      SortedMap<String, Scores> tasks = new TreeMap<>();
      m.tasks().forEach((task, t) -> tasks.put(task, new Scores(t.quality(), t.taskScore())));
      miners.put(hotkey, tasks);
    });
    return new ScoreSnapshot(report.computedAt(), miners);
  }
}
