package io.assay.miner;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The body of {@code GET /capacity}: per task, the volume of work units the miner takes in the
 * current scoring period.
 *
 * @param miner the miner's hotkey
 * @param period index of the current period ({@code epoch millis / period length})
 * @param periodSeconds the period length the miner counts with
 * @param tasks by task id ({@code kind/model})
 */
public record CapacityDeclaration(
    String miner,
    long period,
    @JsonProperty("period_seconds") long periodSeconds,
    Map<String, TaskCapacity> tasks) {

  /**
   * @param kind task kind
   * @param model model id
   * @param unit the work unit {@code volume} is counted in
   * @param volume declared work units for the period
   * @param consumed work units already served this period
   * @param maxConcurrency requests served at once
   */
  public record TaskCapacity(
      String kind,
      String model,
      String unit,
      long volume,
      long consumed,
      @JsonProperty("max_concurrency") int maxConcurrency) {}
}
