package io.assay.gateway.scoring;

import java.util.function.LongFunction;
import java.util.function.LongToDoubleFunction;

/**
 * Verified volume {@code VV} of one (miner, task), SCORING.md section 5: its declared capacity
 * times its period score, over every completed period of the volume window (3 days), newest
 * first, halving every {@code volume.half_life_periods} periods.
 *
 * <pre>
 *   VV = m * sum(PS_i * c_i * 0.5^(i/h)) / sum(0.5^(i/h))
 *   m  = 1 if more than 8 of those periods have c_i &gt; 0, else 0.25
 * </pre>
 *
 * <p>The denominator runs over every period of the window, whether the miner was there or not:
 * a period away, a period refused and a period before the miner existed all contribute 0, so
 * each declaration earns only through its own period's score and no period weighs more because
 * others are missing (version 1 weighted by consumed work, so a period of 429s weighed nothing
 * and an inflated declaration kept an older score).
 *
 * @param value {@code VV}, {@code m} applied
 * @param declaredPeriods periods of the window with {@code c > 0}
 */
record VerifiedVolume(double value, int declaredPeriods) {

  /**
   * @param lastPeriod the newest completed period ({@code i = 0})
   * @param declared {@code c} of a period, 0 when none was declared
   * @param periodScore {@code PS_period} of a period, null when it has none
   */
  static VerifiedVolume of(long lastPeriod, LongToDoubleFunction declared,
      LongFunction<Double> periodScore, ScoringParams params) {
    double weighted = 0;
    double decays = 0;
    int declaring = 0;
    double[] halvings = halvings(params);
    for (int i = 0; i < params.volumePeriods(); i++) {
      long period = lastPeriod - i;
      double decay = halvings[i];
      double c = declared.applyAsDouble(period);
      Double ps = periodScore.apply(period);
      if (c > 0) {
        declaring++;
        if (ps != null) {
          weighted += ps * c * decay;
        }
      }
      decays += decay;
    }
    double m = declaring > params.establishedPeriods() ? 1 : params.newMinerMultiplier();
    return new VerifiedVolume(m * weighted / decays, declaring);
  }

  /** {@code 0.5^(i/h)} for each period of the window, computed once per parameters. */
  private static double[] halvings(ScoringParams params) {
    Halvings h = lastHalvings;
    if (h == null || h.periods() != params.volumePeriods()
        || Double.compare(h.halfLife(), params.halfLifePeriods()) != 0) {
      double[] values = new double[params.volumePeriods()];
      for (int i = 0; i < values.length; i++) {
        values[i] = StrictMath.pow(0.5, i / params.halfLifePeriods());
      }
      h = new Halvings(params.volumePeriods(), params.halfLifePeriods(), values);
      lastHalvings = h;
    }
    return h.values();
  }

  private record Halvings(int periods, double halfLife, double[] values) {}

  /** The decays of the last parameters seen (every series of a computation shares them). */
  private static volatile Halvings lastHalvings;
}
