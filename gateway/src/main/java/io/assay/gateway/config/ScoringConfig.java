package io.assay.gateway.config;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.time.Duration;

/**
 * The {@code scoring:} section: period length, how often weights are computed, whether
 * synthetic traffic is sent, and SCORING.md's constants (each a key with the spec's default).
 *
 * @param period length of a scoring period
 * @param cadence how often weights are computed
 * @param synthetic whether the synthetic scheduler runs
 * @param qualityWindow answers this recent count for quality and speed
 * @param minAnswers at least this many answers when there are that many
 * @param qualityThreshold Q at or below this is squared
 * @param qualityExponent each answer's quality is raised to this
 * @param speedPercentile which percentile of quality-weighted speed ranks miners
 * @param bonusSpan the width of the speed-rank bonus
 * @param npsWindow how far back period scores count
 * @param establishedPeriods more scored periods than this earn in full
 * @param newMinerMultiplier what newer miners earn of their score
 * @param periodDecay weight of each older period relative to the next newer one
 * @param taskExponent k, the exponent that favours the best miner of a task
 */
public record ScoringConfig(
    Duration period,
    Duration cadence,
    boolean synthetic,
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
    double taskExponent) {

  static ScoringConfig read(ConfigNode s) {
    Duration period = s.duration("period", Duration.ofMinutes(60));
    Duration npsWindow = s.duration("nps_window", Duration.ofDays(3));
    if (npsWindow.toMillis() % period.toMillis() != 0 || npsWindow.compareTo(period) < 0) {
      throw new ConfigException("config key 'scoring.nps_window': must be a whole number of"
          + " periods (" + period + "), found " + npsWindow);
    }
    return new ScoringConfig(period,
        s.duration("cadence", Duration.ofMinutes(20)),
        s.bool("synthetic", true),
        s.duration("quality_window", Duration.ofDays(5)),
        s.integer("min_answers", 50, 0, 1_000_000),
        s.decimal("quality_threshold", 0.85, 0, 1),
        s.decimal("quality_exponent", 1.5, 0.01, 100),
        s.decimal("speed_percentile", 0.30, 0, 1),
        s.decimal("bonus_span", 0.5, 0, 2),
        npsWindow,
        s.integer("established_periods", 8, 0, 1_000_000),
        s.decimal("new_miner_multiplier", 0.25, 0, 1),
        s.decimal("period_decay", 0.5, 0.000001, 1),
        s.decimal("task_exponent", 4, 1, 64));
  }

  /**
   * The same scoring on a compressed clock: periods of {@code newPeriod}, with the cadence and
   * the windows shrunk by the same factor (so 3 days stay 72 periods), for devnets and
   * simulations.
   */
  public ScoringConfig compressed(Duration newPeriod) {
    double f = (double) newPeriod.toMillis() / period.toMillis();
    long periods = npsWindow.toMillis() / period.toMillis();
    return new ScoringConfig(newPeriod,
        Duration.ofMillis(Math.max(1000, (long) (cadence.toMillis() * f))), synthetic,
        Duration.ofMillis(Math.max(newPeriod.toMillis(), (long) (qualityWindow.toMillis() * f))),
        minAnswers, qualityThreshold, qualityExponent, speedPercentile, bonusSpan,
        newPeriod.multipliedBy(periods), establishedPeriods, newMinerMultiplier, periodDecay,
        taskExponent);
  }
}
