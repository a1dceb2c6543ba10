package io.assay.gateway.scoring;

import java.time.Duration;
import java.util.Objects;

/**
 * The constants of SCORING.md sections 3 to 6, immutable and checked once on construction. A
 * bad value fails with a message naming the configuration key, the value and what was expected.
 * The test-fraction distribution and the recompute cadence belong to the scheduler, not here.
 *
 * @param period length of a scoring period; periods are {@code epoch millis / period millis}
 * @param qualityWindow how far back answers count for quality and speed
 * @param minAnswers at least this many newest answers count, reaching further back if needed
 * @param qualityThreshold a mean quality at or below this is squared
 * @param qualityExponent each answer's quality is raised to this before taking the mean
 * @param speedPercentile the percentile of quality-weighted speed that ranks miners
 * @param bonusSpan the rank bonus runs from {@code +span/2} (best) to {@code -span/2} (worst)
 * @param npsWindow how far back period scores count; a whole number of periods
 * @param establishedPeriods a miner with more scored periods than this earns in full
 * @param newMinerMultiplier what a miner with fewer scored periods earns of its score
 * @param periodDecay each older scored period weighs this much of the next newer one
 * @param taskExponent {@code k}: shares are raised to this before they are normalised
 * @param responseTimeTasks tasks whose speed is judged by response time (section 7) with their
 *     timeouts, by task id; every other task by work per second
 */
public record ScoringParams(
    Duration period,
    Duration qualityWindow,
    int minAnswers,
    double qualityThreshold,
    double qualityExponent,
    double speedPercentile,
    double bonusSpan,
    Duration npsWindow,
    int establishedPeriods,
    double newMinerMultiplier,
    double periodDecay,
    double taskExponent,
    java.util.SortedMap<String, Duration> responseTimeTasks) {

  /** Parameters with every task judged by throughput. */
  public ScoringParams(Duration period, Duration qualityWindow, int minAnswers,
      double qualityThreshold, double qualityExponent, double speedPercentile, double bonusSpan,
      Duration npsWindow, int establishedPeriods, double newMinerMultiplier, double periodDecay,
      double taskExponent) {
    this(period, qualityWindow, minAnswers, qualityThreshold, qualityExponent, speedPercentile,
        bonusSpan, npsWindow, establishedPeriods, newMinerMultiplier, periodDecay, taskExponent,
        new java.util.TreeMap<>());
  }

  /**
   * These parameters with the tasks judged by response time (SCORING.md section 7) and their
   * timeouts, by task id.
   */
  public ScoringParams withResponseTimeTasks(java.util.Map<String, Duration> tasks) {
    return new ScoringParams(period, qualityWindow, minAnswers, qualityThreshold,
        qualityExponent, speedPercentile, bonusSpan, npsWindow, establishedPeriods,
        newMinerMultiplier, periodDecay, taskExponent, new java.util.TreeMap<>(tasks));
  }

  public ScoringParams {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(qualityWindow, "qualityWindow");
    Objects.requireNonNull(npsWindow, "npsWindow");
    responseTimeTasks = java.util.Collections.unmodifiableSortedMap(
        new java.util.TreeMap<>(responseTimeTasks));
    check("scoring.period", period, period.toMillis() >= 1, "at least 1 ms");
    check("scoring.quality_window", qualityWindow, !qualityWindow.isNegative(), ">= 0");
    check("scoring.min_answers", minAnswers, minAnswers >= 0, ">= 0");
    check("scoring.quality_threshold", qualityThreshold, within(qualityThreshold, 0, 1),
        "in [0, 1]");
    check("scoring.quality_exponent", qualityExponent, qualityExponent > 0
        && Double.isFinite(qualityExponent), "> 0");
    check("scoring.speed_percentile", speedPercentile, within(speedPercentile, 0, 1), "in [0, 1]");
    check("scoring.bonus_span", bonusSpan, within(bonusSpan, 0, 2),
        "in [0, 2] (so that 1 + bonus >= 0)");
    check("scoring.nps_window", npsWindow, npsWindow.toMillis() >= period.toMillis()
            && npsWindow.toMillis() % period.toMillis() == 0,
        "a positive whole number of periods (" + period + ")");
    check("scoring.established_periods", establishedPeriods, establishedPeriods >= 0, ">= 0");
    check("scoring.new_miner_multiplier", newMinerMultiplier, within(newMinerMultiplier, 0, 1),
        "in [0, 1]");
    check("scoring.period_decay", periodDecay, periodDecay > 0 && periodDecay <= 1, "in (0, 1]");
    check("scoring.task_exponent", taskExponent, taskExponent >= 1
        && Double.isFinite(taskExponent), ">= 1");
  }

  /** The defaults of SCORING.md. */
  public static ScoringParams defaults() {
    return new ScoringParams(Duration.ofMinutes(60), Duration.ofDays(5), 50, 0.85, 1.5, 0.30,
        0.5, Duration.ofDays(3), 8, 0.25, 0.5, 4);
  }

  /** Length of a period in milliseconds. */
  public long periodMillis() {
    return period.toMillis();
  }

  /** The period that {@code epochMillis} falls in. */
  public long periodOf(long epochMillis) {
    return Math.floorDiv(epochMillis, periodMillis());
  }

  /** How many periods, the current one included, the NPS window spans. */
  public int npsPeriods() {
    return Math.toIntExact(npsWindow.toMillis() / periodMillis());
  }

  private static boolean within(double value, double low, double high) {
    return value >= low && value <= high;
  }

  private static void check(String key, Object value, boolean ok, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(key + " = " + value + ": expected " + expected);
    }
  }
}
