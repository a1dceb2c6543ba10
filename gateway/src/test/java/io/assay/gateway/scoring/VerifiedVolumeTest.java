package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCORING.md section 5: verified volume over every period of the window. */
class VerifiedVolumeTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults();

  /** The sum of every period's decay over the 72 periods of three days. */
  private static double decays() {
    double sum = 0;
    for (int i = 0; i < 72; i++) {
      sum += StrictMath.pow(0.5, i / 6.0);
    }
    return sum;
  }

  private static VerifiedVolume vv(long last, Map<Long, Long> declared, Map<Long, Double> ps) {
    return VerifiedVolume.of(last, p -> declared.getOrDefault(p, 0L), ps::get, PARAMS);
  }

  @Test
  void oneNewPeriod_earnsAQuarterOfItsShareOfTheWindow() {
    VerifiedVolume v = vv(10, Map.of(10L, 100L), Map.of(10L, 1.0));
    assertThat(v.value()).isCloseTo(0.25 * 100 / decays(), within(1e-12));
    assertThat(v.declaredPeriods()).isEqualTo(1);
  }

  @Test
  void anEstablishedMiner_declaringInMoreThanEightPeriods_earnsInFull() {
    Map<Long, Long> declared = new HashMap<>();
    Map<Long, Double> ps = new HashMap<>();
    double expected = 0;
    for (long p = 0; p < 9; p++) {
      declared.put(100 - p, 50L);
      ps.put(100 - p, 0.5);
      expected += 0.5 * 50 * StrictMath.pow(0.5, p / 6.0);
    }
    VerifiedVolume v = vv(100, declared, ps);
    assertThat(v.declaredPeriods()).isEqualTo(9);
    assertThat(v.value()).isCloseTo(expected / decays(), within(1e-12));
  }

  @Test
  void aPeriodAway_earnsNothing_andStillWeighs() {
    // same declarations, one with the newest period missing: strictly less
    Map<Long, Long> all = new HashMap<>();
    Map<Long, Double> ps = new HashMap<>();
    for (long p = 0; p < 20; p++) {
      all.put(p, 100L);
      ps.put(p, 1.0);
    }
    Map<Long, Long> away = new HashMap<>(all);
    away.remove(19L);
    assertThat(vv(19, away, ps).value()).isLessThan(vv(19, all, ps).value());
  }

  @Test
  void aDeclarationEarnsOnlyThroughItsOwnPeriodsScore() {
    // Version 1 gap: nine good periods of 100, then 1000 declared and everything refused.
    // Now the refused period adds PS = 0 times its declaration: nothing.
    Map<Long, Long> declared = new HashMap<>();
    Map<Long, Double> ps = new HashMap<>();
    for (long p = 0; p < 9; p++) {
      declared.put(p, 100L);
      ps.put(p, 1.0);
    }
    VerifiedVolume before = vv(8, declared, ps);
    declared.put(9L, 1000L);
    ps.put(9L, 0.0);
    VerifiedVolume after = vv(9, declared, ps);
    assertThat(after.value()).isLessThan(before.value());
  }

  @Test
  void aPeriodWithoutScore_orWithoutDeclaration_contributesNothing() {
    assertThat(vv(5, Map.of(5L, 100L), Map.of()).value()).isZero();
    assertThat(vv(5, Map.of(), Map.of(5L, 1.0)).value()).isZero();
    assertThat(vv(5, Map.of(), Map.of()).declaredPeriods()).isZero();
  }

  @Test
  void throughTheCalculator_theNewestCompletedPeriodIsIZero() {
    WeightReport r = LogBuilder.oneTask().plan(0, 0.04, 30 * 60_000).declare(0, "m", 100)
        .served(0, "m", 5, 10, 1).checked("m", 1).computeAtEndOf(0);
    assertThat(r.miners().get("m").tasks().get(LLM).verifiedVolume())
        .isCloseTo(0.25 * 100 / decays(), within(1e-12));
  }

  @Test
  void aCappedWindow_countsOnlyTheCapacityItTested() {
    // c = 1000 with f = 0.04 would be a window of 40; the budget capped it at 10, which stands
    // for 10 / 0.04 = 250 of the declaration: the rest was never tested and earns nothing.
    WeightReport r = LogBuilder.oneTask().declare(0, "m", 1000).plan(0, 0.04, 600_000, 10.0)
        .at(0, 601_000).served(0, "m", 1, 10, 1).checked("m", 1).computeAtEndOf(0);
    assertThat(r.miners().get("m").tasks().get(LLM).verifiedVolume())
        .isCloseTo(0.25 * 250 / decays(), within(1e-12));
  }

  @Test
  void aPeriodTheBudgetTestedNoOne_keepsEachMinersLastWindowScore() {
    // period 0: every miner tested; "half" served half its window. Period 1: the budget tested
    // no one. "half" keeps its verdict whatever it serves in between; "fresh", never tested,
    // has only its requests; "idle", never tested and never asked, has no score.
    LogBuilder log = LogBuilder.oneTask().declare(0, "half", 1000).declare(1, "half", 1000)
        .declare(1, "fresh", 1000).declare(1, "idle", 1000)
        .plan(0, 0.04, 600_000)
        .at(0, 601_000).served(0, "half", 2, 10, 1).rateLimited(0, "half", 2, 10)
        .plan(1, 0.04, 600_000, null, java.util.List.of())
        .at(1, 100_000).served(1, "half", 3, 10, 1).served(1, "fresh", 3, 10, 1)
        .checked("half", 1).checked("fresh", 1).checked("idle", 1);
    WeightReport first = log.computeAtEndOf(0);
    WeightReport second = log.computeAtEndOf(1);
    double verdict = first.miners().get("half").tasks().get(LLM).windowScore();
    assertThat(verdict).isLessThan(1.0);
    assertThat(second.miners().get("half").tasks().get(LLM).periodScore()).isEqualTo(verdict);
    assertThat(second.miners().get("fresh").tasks().get(LLM).periodScore()).isEqualTo(1.0);
    WeightReport.TaskReport idle = second.miners().get("idle") == null ? null
        : second.miners().get("idle").tasks().get(LLM);
    assertThat(idle == null || idle.periodScore() == null).isTrue();
  }
}
