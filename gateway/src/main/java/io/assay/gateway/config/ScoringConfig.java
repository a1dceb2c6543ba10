package io.assay.gateway.config;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.gateway.scoring.ScoringParams;
import io.assay.gateway.synthetic.TestFractions;
import java.time.Duration;

/**
 * SCORING.md's constants, each a configuration key with the spec's default, and how often
 * weights are computed. The keys live where SCORING.md names them: {@code scoring.*} for the
 * undotted ones, {@code quality.min}, {@code volume.half_life_periods}, {@code stream.ttft_max},
 * {@code zk.recent}, {@code weights.burn_uid}.
 *
 * @param params the constants of the computation (the tasks' own are added by the gateway)
 * @param cadence how often weights are computed
 * @param testFractions the distribution test fractions are drawn from (section 2)
 * @param streamMinRate {@code stream.min_rate}: the default of every task's minimum stream rate
 * @param chain where the weights go on chain ({@code weights.netuid}, {@code
 *     weights.version_key})
 */
public record ScoringConfig(ScoringParams params, Duration cadence, TestFractions testFractions,
    double streamMinRate, Chain chain) {

  /**
   * The subnet the weights are exported for.
   *
   * @param netuid the subnet's uid; null when not set (then weights cannot be exported)
   * @param versionKey the subnet's weights version key
   */
  public record Chain(Integer netuid, long versionKey) {

    static Chain read(ConfigNode weights) {
      String netuid = weights.string("netuid", "");
      return new Chain(netuid.isBlank() ? null : weights.integer("netuid", 0, 0, 65535),
          weights.longValue("version_key", 0, 0, Long.MAX_VALUE));
    }
  }

  public Duration period() {
    return params.period();
  }

  static ScoringConfig read(ConfigNode root) {
    ConfigNode s = root.section("scoring");
    ConfigNode stream = root.section("stream");
    ScoringParams d = ScoringParams.defaults();
    ScoringParams params;
    // One node per section: each node checks its own keys are known.
    ConfigNode weights = root.section("weights");
    try {
      String burn = weights.string("burn_uid", "");
      params = new ScoringParams(
          s.duration("period", d.period()),
          s.duration("declaration_grace", d.declarationGrace()),
          s.duration("quality_window", d.qualityWindow()),
          s.integer("min_answers", d.minAnswers(), 0, 1_000_000),
          s.decimal("quality_threshold", d.qualityThreshold(), 0.000001, 1),
          s.decimal("quality_exponent", d.qualityExponent(), 0.01, 100),
          root.section("quality").decimal("min", d.qualityMin(), 0, 1),
          s.decimal("bonus_span", d.bonusSpan(), 0, 2),
          s.duration("volume_window", d.volumeWindow()),
          root.section("volume").decimal("half_life_periods", d.halfLifePeriods(), 0.001, 1e6),
          s.integer("established_periods", d.establishedPeriods(), 0, 1_000_000),
          s.decimal("new_miner_multiplier", d.newMinerMultiplier(), 0, 1),
          s.decimal("task_exponent", d.taskExponent(), 1, 64),
          stream.duration("ttft_max", d.streamTtftMax()),
          root.section("zk").integer("recent", d.zkRecent(), 1, 1_000_000),
          burn.isBlank() ? null : weights.integer("burn_uid", 0, 0, 65535),
          d.tasks());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + e.getMessage().replaceFirst(" = ", "' = "));
    }
    return new ScoringConfig(params, s.duration("cadence", Duration.ofMinutes(20)),
        TestFractions.defaults(), stream.decimal("min_rate", 10, 0, 1e12),
        Chain.read(weights));
  }

  /**
   * The same scoring on a compressed clock: periods of {@code newPeriod}, with the cadence and
   * the windows shrunk by the same factor (so 3 days stay 72 periods), for devnets and
   * simulations.
   */
  public ScoringConfig compressed(Duration newPeriod) {
    double f = (double) newPeriod.toMillis() / params.period().toMillis();
    return new ScoringConfig(params.compressed(newPeriod),
        Duration.ofMillis(Math.max(1000, (long) (cadence.toMillis() * f))), testFractions,
        streamMinRate, chain);
  }
}
