package io.assay.gateway.config;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.gateway.scoring.ScoringParams;
import java.time.Duration;

/**
 * The {@code scoring:} section: SCORING.md's constants (each a key with the spec's default), how
 * often weights are computed and whether synthetic traffic is sent.
 *
 * @param params the constants of the computation, period length included
 * @param cadence how often weights are computed
 * @param synthetic whether the synthetic scheduler runs
 */
public record ScoringConfig(ScoringParams params, Duration cadence, boolean synthetic) {

  public Duration period() {
    return params.period();
  }

  static ScoringConfig read(ConfigNode s) {
    ScoringParams d = ScoringParams.defaults();
    ScoringParams params;
    try {
      params = new ScoringParams(
          s.duration("period", d.period()),
          s.duration("quality_window", d.qualityWindow()),
          s.integer("min_answers", d.minAnswers(), 0, 1_000_000),
          s.decimal("quality_threshold", d.qualityThreshold(), 0, 1),
          s.decimal("quality_exponent", d.qualityExponent(), 0.01, 100),
          s.decimal("speed_percentile", d.speedPercentile(), 0, 1),
          s.decimal("bonus_span", d.bonusSpan(), 0, 2),
          s.duration("nps_window", d.npsWindow()),
          s.integer("established_periods", d.establishedPeriods(), 0, 1_000_000),
          s.decimal("new_miner_multiplier", d.newMinerMultiplier(), 0, 1),
          s.decimal("period_decay", d.periodDecay(), 0.000001, 1),
          s.decimal("task_exponent", d.taskExponent(), 1, 64));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + e.getMessage().replaceFirst(" = ", "' = "));
    }
    return new ScoringConfig(params, s.duration("cadence", Duration.ofMinutes(20)),
        s.bool("synthetic", true));
  }

  /**
   * The same scoring on a compressed clock: periods of {@code newPeriod}, with the cadence and
   * the windows shrunk by the same factor (so 3 days stay 72 periods), for devnets and
   * simulations.
   */
  public ScoringConfig compressed(Duration newPeriod) {
    double f = (double) newPeriod.toMillis() / params.period().toMillis();
    ScoringParams p = params;
    return new ScoringConfig(new ScoringParams(newPeriod,
        Duration.ofMillis(Math.max(newPeriod.toMillis(), (long) (p.qualityWindow().toMillis() * f))),
        p.minAnswers(), p.qualityThreshold(), p.qualityExponent(), p.speedPercentile(),
        p.bonusSpan(), newPeriod.multipliedBy(p.npsPeriods()), p.establishedPeriods(),
        p.newMinerMultiplier(), p.periodDecay(), p.taskExponent(), p.responseTimeTasks()),
        Duration.ofMillis(Math.max(1000, (long) (cadence.toMillis() * f))), synthetic);
  }
}
