package io.assay.gateway.scoring;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param lastPeriod the newest completed period it scored (the periods of verified volume end
 *     here)
 * @param taskWeights the task weights applied (the latest change at or before {@code computedAt})
 * @param miners every miner that appears in the visible declarations or outcomes
 * @param weights per miner, together with {@code burn} summing to 1 (all 0 if nothing earned)
 * @param weightsU16 per miner, {@code 65535 * w / max w}, rounded half to even
 * @param uids each miner's chain uid where one is recorded
 * @param burnUid {@code weights.burn_uid}, or null when unassigned task weight is shared
 * @param burn the share of the weights that went to {@code burnUid} (0 without one)
 * @param burnU16 its integer weight
 */
public record WeightReport(
    @JsonProperty("computed_at") long computedAt,
    @JsonProperty("last_period") long lastPeriod,
    @JsonProperty("task_weights") SortedMap<String, Double> taskWeights,
    @JsonProperty("miners") SortedMap<String, MinerReport> miners,
    @JsonProperty("weights") SortedMap<String, Double> weights,
    @JsonProperty("weights_u16") SortedMap<String, Integer> weightsU16,
    @JsonProperty("uids") SortedMap<String, Integer> uids,
    @JsonProperty("burn_uid") @JsonInclude(JsonInclude.Include.ALWAYS) Integer burnUid,
    @JsonProperty("burn") double burn,
    @JsonProperty("burn_u16") int burnU16) {

  public WeightReport {
    taskWeights = sorted(taskWeights);
    miners = sorted(miners);
    weights = sorted(weights);
    weightsU16 = sorted(weightsU16);
    uids = sorted(uids);
  }

  /**
   * @param tasks each task the miner declared for or was sent requests of
   * @param raw {@code W(miner) = sum over tasks of weight(task) * t(miner, task)}, before
   *     normalisation
   */
  public record MinerReport(
      @JsonProperty("tasks") SortedMap<String, TaskReport> tasks,
      @JsonProperty("raw") double raw) {

    public MinerReport {
      tasks = sorted(tasks);
    }
  }

  /**
   * The scores of one (miner, task). Counts and the period score are of the newest completed
   * period ({@link WeightReport#lastPeriod}); the other scores cover their windows.
   *
   * @param declared {@code c} of that period, 0 if none was declared
   * @param concurrency the requests at once declared with it
   * @param consumed work units served in it
   * @param requests requests assigned in it
   * @param rateLimited of which 429
   * @param failed of which failed (abandoned streams below the minimum rate included)
   * @param periodScore {@code PS_period = min(PS, PS_window)}, or null when nothing was asked
   * @param windowScore {@code PS_window}, or null when the period had no test window for it
   * @param verifiedVolume {@code VV}, {@code m} applied
   * @param declaredPeriods periods of the volume window with {@code c > 0}
   * @param quality {@code Q}, or null when no answer is checked (then 0 is used)
   * @param checked the checked answers {@code Q} is taken over
   * @param bonus the miner's speed bonus
   * @param cqs {@code Q * (1 + bonus)}
   * @param earning whether {@code Q >= quality.min}
   * @param taskScore {@code t}, the miner's share of this task's weight
   */
  public record TaskReport(
      @JsonProperty("declared") long declared,
      @JsonProperty("concurrency") int concurrency,
      @JsonProperty("consumed") long consumed,
      @JsonProperty("requests") long requests,
      @JsonProperty("rate_limited") long rateLimited,
      @JsonProperty("failed") long failed,
      @JsonProperty("period_score") Double periodScore,
      @JsonProperty("window_score") Double windowScore,
      @JsonProperty("verified_volume") double verifiedVolume,
      @JsonProperty("declared_periods") int declaredPeriods,
      @JsonProperty("quality") Double quality,
      @JsonProperty("checked") int checked,
      @JsonProperty("bonus") double bonus,
      @JsonProperty("cqs") double cqs,
      @JsonProperty("earning") boolean earning,
      @JsonProperty("task_score") double taskScore) {}

  private static <V> SortedMap<String, V> sorted(SortedMap<String, V> map) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(map == null ? new TreeMap<>() : map));
  }
}
