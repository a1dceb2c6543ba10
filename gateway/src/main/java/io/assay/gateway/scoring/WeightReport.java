package io.assay.gateway.scoring;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One weight computation: the weights and every intermediate score that led to them, so that a
 * miner can see why it got what it got. Immutable; every map is sorted by its key (hotkey or
 * task id). Serialises to JSON with snake_case names and reads back equal.
 *
 * @param computedAt epoch millis the computation was made for
 * @param taskWeights the task weights applied (the latest change at or before {@code computedAt})
 * @param miners every miner that appears in the visible declarations or outcomes
 * @param weights per miner, summing to 1 (all 0 if no miner earned anything)
 * @param weightsU16 per miner, {@code round(65535 * W / max W)}
 */
public record WeightReport(
    @JsonProperty("computed_at") long computedAt,
    @JsonProperty("task_weights") SortedMap<String, Double> taskWeights,
    @JsonProperty("miners") SortedMap<String, MinerReport> miners,
    @JsonProperty("weights") SortedMap<String, Double> weights,
    @JsonProperty("weights_u16") SortedMap<String, Integer> weightsU16) {

  public WeightReport {
    taskWeights = sorted(taskWeights);
    miners = sorted(miners);
    weights = sorted(weights);
    weightsU16 = sorted(weightsU16);
  }

  /** @param tasks each task the miner declared for or was sent requests of */
  public record MinerReport(@JsonProperty("tasks") SortedMap<String, TaskReport> tasks) {

    public MinerReport {
      tasks = sorted(tasks);
    }
  }

  /**
   * The scores of one (miner, task). Counts are of the current period (the one {@code
   * computedAt} falls in); the scores cover their windows.
   *
   * @param declared {@code c} of the current period, 0 if none was declared
   * @param consumed work units served in the current period
   * @param requests requests ended in the current period
   * @param rateLimited of which 429
   * @param failed of which failed
   * @param periodScore {@code PS} of the newest period in the NPS window with requests, or null
   * @param scoredPeriods periods in the NPS window with a period score
   * @param nps the volume-weighted period score, {@code m} applied
   * @param answers successful answers considered for quality and speed
   * @param checked of which carry a quality check
   * @param quality {@code Q}, or null when no answer is checked (then 1 is used)
   * @param speed {@code V}, or null when there are no answers
   * @param cqs quality with the speed-rank bonus; 0 without answers
   * @param taskScore {@code t}, the miner's share of this task's weight
   */
  public record TaskReport(
      @JsonProperty("declared") long declared,
      @JsonProperty("consumed") long consumed,
      @JsonProperty("requests") long requests,
      @JsonProperty("rate_limited") long rateLimited,
      @JsonProperty("failed") long failed,
      @JsonProperty("period_score") Double periodScore,
      @JsonProperty("scored_periods") int scoredPeriods,
      @JsonProperty("nps") double nps,
      @JsonProperty("answers") int answers,
      @JsonProperty("checked") int checked,
      @JsonProperty("quality") Double quality,
      @JsonProperty("speed") Double speed,
      @JsonProperty("cqs") double cqs,
      @JsonProperty("task_score") double taskScore) {}

  private static <V> SortedMap<String, V> sorted(SortedMap<String, V> map) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(map));
  }
}
