package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.HOUR;
import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.WeightReport.TaskReport;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCORING.md section 3: outcomes, settled units and the period score, window included. */
class PeriodScoreTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults()
      .withTasks(Map.of(LLM, ScoringParams.TaskParams.throughput(10)));

  private static RequestOutcome outcome(Outcome o, long estimate, long units, double seconds) {
    return new RequestOutcome(1000, 0, 0, "m", LLM, "a", o, estimate, units, seconds, false, null);
  }

  private static PeriodTally tally(RequestOutcome... outcomes) {
    PeriodTally t = new PeriodTally();
    for (RequestOutcome o : outcomes) {
      t.add(o, PARAMS);
    }
    return t;
  }

  @Test
  void successesSettleAtTheirWork_failuresAndRateLimitsAtTheirEstimate() {
    PeriodTally t = tally(outcome(Outcome.SUCCESS, 100, 40, 1),
        outcome(Outcome.RATE_LIMITED, 30, 0, 0), outcome(Outcome.FAILED, 20, 5, 1));
    assertThat(t.asked).isEqualTo(40 + 30 + 20);
    assertThat(t.consumed).isEqualTo(40);
    assertThat(t.rateLimited).isEqualTo(30);
    assertThat(t.failed).isEqualTo(20);
  }

  @Test
  void everythingServed_scoresOne_evenWithCapacityLeft() {
    assertThat(tally(outcome(Outcome.SUCCESS, 10, 10, 1)).score(1000)).isEqualTo(1.0);
  }

  @Test
  void theFormula_inSettledUnits() {
    // c = 200; a success of 60, 429s estimated at 30, a failure estimated at 10:
    // E = 100, u = 140/200 = 0.7, good = 0.6, PS = 0.6 * (1 - 0.3 * 0.7) * (1 - 0.1 * 0.7)^2
    PeriodTally t = tally(outcome(Outcome.SUCCESS, 60, 60, 1),
        outcome(Outcome.RATE_LIMITED, 30, 0, 0), outcome(Outcome.FAILED, 10, 0, 1));
    assertThat(t.score(200)).isCloseTo(0.6 * (1 - 0.3 * 0.7) * (1 - 0.1 * 0.7) * (1 - 0.1 * 0.7),
        within(1e-15));
  }

  @Test
  void refusals_costMoreWhileDeclaredCapacityIsLeftUnused() {
    PeriodTally t = tally(outcome(Outcome.SUCCESS, 100, 100, 1),
        outcome(Outcome.RATE_LIMITED, 50, 0, 0));
    assertThat(t.score(100)).isEqualTo(100.0 / 150); // u = 0: good only
    assertThat(t.score(1000)).isLessThan(t.score(100));
  }

  @Test
  void nothingAsked_hasNoScore() {
    assertThat(new PeriodTally().score(100)).isNull();
  }

  @Test
  void smallRequestsServed_cannotHideLargeOnesRefused() {
    // Version 1 counted requests: 20 small successes and 12 large 429s gave good = 20/32.
    // In units the refused work dominates: good = 20 / (20 + 120).
    PeriodTally t = new PeriodTally();
    for (int i = 0; i < 20; i++) {
      t.add(outcome(Outcome.SUCCESS, 1, 1, 0.1), PARAMS);
    }
    for (int i = 0; i < 12; i++) {
      t.add(outcome(Outcome.RATE_LIMITED, 10, 0, 0), PARAMS);
    }
    assertThat(t.score(20)).isCloseTo(20.0 / 140, within(1e-15));
  }

  @Test
  void anAbandonedStream_isASuccessOfItsWork_whenTheMinerKeptUp() {
    // ttft_max 30 s, min_rate 10/s: after 40 s at least 100 units were due; 150 were done.
    RequestOutcome o = outcome(Outcome.ABANDONED, 500, 150, 40);
    assertThat(PeriodTally.settle(o, PARAMS)).isEqualTo(Outcome.SUCCESS);
    PeriodTally t = tally(o);
    assertThat(t.consumed).isEqualTo(150);
    assertThat(t.asked).isEqualTo(150);
  }

  @Test
  void anAbandonedStream_isAFailureAtItsEstimate_whenTheMinerWasBehind() {
    // After 40 s only 50 of the 100 units due: a staller the user gave up on.
    RequestOutcome o = outcome(Outcome.ABANDONED, 500, 50, 40);
    assertThat(PeriodTally.settle(o, PARAMS)).isEqualTo(Outcome.FAILED);
    PeriodTally t = tally(o);
    assertThat(t.failed).isEqualTo(500);
    assertThat(t.consumed).isZero();
  }

  @Test
  void anAbandonedStream_withinItsFirstWorkAllowance_isASuccessOfWhatItDid() {
    assertThat(PeriodTally.settle(outcome(Outcome.ABANDONED, 500, 0, 29), PARAMS))
        .isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void shortfalls_countLikeRequestsOfTheirOutcome() {
    PeriodTally t = tally(outcome(Outcome.SUCCESS, 10, 10, 1));
    t.add(new ScoringEvent.TestShortfall(0, 0, "m", LLM, 30, Outcome.RATE_LIMITED, "unsent"));
    t.add(new ScoringEvent.TestShortfall(0, 0, "m", LLM, 60, Outcome.FAILED, "stopped"));
    assertThat(t.asked).isEqualTo(100);
    assertThat(t.rateLimited).isEqualTo(30);
    assertThat(t.failed).isEqualTo(60);
  }

  @Test
  void thePeriodScore_isTheWorseOfThePeriodAndItsTestWindow() {
    // A miner declares 1000 and is asked 10 requests of 10 outside the window (served) and,
    // in the window (f = 0.08, c_W = 80), 8 requests of 10 of which it refuses 6.
    // PS over the period: E = 180, E429 = 60, consumed = 120, u = 0.88, good = 2/3
    // PS_window: E = 80, E429 = 60, consumed = 20, u = 60/80 = 0.75, good = 0.25
    LogBuilder log = LogBuilder.oneTask().declare(0, "m", 1000)
        .plan(0, 0.08, 600_000)
        .at(0, 300_000).served(0, "m", 10, 10, 1)
        .at(0, 700_000).served(0, "m", 2, 10, 1).rateLimited(0, "m", 6, 10);
    TaskReport r = log.computeAtEndOf(0).miners().get("m").tasks().get(LLM);

    double ps = (2.0 / 3) * (1 - (60.0 / 180) * (880.0 / 1000));
    double window = 0.25 * (1 - (60.0 / 80) * (60.0 / 80));
    assertThat(r.windowScore()).isCloseTo(window, within(1e-15));
    assertThat(r.periodScore()).isCloseTo(Math.min(ps, window), within(1e-15));
  }

  @Test
  void theWindowsCapacityIsCutToTheBudgetsCap() {
    // c = 1000, f = 0.04, cap 20: c_W = min(40, 20) = 20. Asked 20, served 10, refused 10:
    // u_W = 10/20 = 0.5, good = 0.5, PS_window = 0.5 * (1 - 0.5 * 0.5)
    LogBuilder log = LogBuilder.oneTask().declare(0, "m", 1000).plan(0, 0.04, 600_000, 20.0)
        .at(0, 601_000).served(0, "m", 1, 10, 1).rateLimited(0, "m", 1, 10);
    TaskReport r = log.computeAtEndOf(0).miners().get("m").tasks().get(LLM);
    assertThat(r.windowScore()).isEqualTo(0.5 * (1 - 0.5 * 0.5));
  }

  @Test
  void requestsOutsideTheWindow_countForThePeriodOnly() {
    LogBuilder log = LogBuilder.oneTask().declare(0, "m", 100).plan(0, 0.04, 600_000)
        .at(0, 200_000).failed(0, "m", 1, 10)
        .at(0, 601_000).served(0, "m", 1, 4, 1);
    TaskReport r = log.computeAtEndOf(0).miners().get("m").tasks().get(LLM);
    assertThat(r.windowScore()).isEqualTo(1.0);
    assertThat(r.periodScore()).isLessThan(1.0);
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.requests()).isEqualTo(2);
  }

  @Test
  void aRequestBelongsToThePeriodItWasAssignedIn_notTheOneItEndedIn() {
    // Assigned in the last second of period 0, answered 5 s into period 1.
    LogBuilder log = LogBuilder.oneTask().declare(0, "m", 100).declare(1, "m", 100)
        .at(0, HOUR - 1000).served(0, "m", 1, 10, 6);
    WeightReport report = WeightCalculator.compute(log.events(), 2 * HOUR - 1);
    TaskReport r = report.miners().get("m").tasks().get(LLM);
    assertThat(report.lastPeriod()).isEqualTo(1);
    assertThat(r.requests()).isZero();
    assertThat(WeightCalculator.compute(log.events(), HOUR + 10_000)
        .miners().get("m").tasks().get(LLM).verifiedVolume()).isGreaterThan(0);
  }

  @Test
  void theCurrentPeriod_isNotScoredUntilItEnds() {
    LogBuilder log = LogBuilder.oneTask().declare(0, "m", 100).served(0, "m", 5, 10, 1);
    WeightReport midway = WeightCalculator.compute(log.events(), HOUR / 2);
    assertThat(midway.lastPeriod()).isEqualTo(-1);
    assertThat(midway.miners().get("m").tasks().get(LLM).verifiedVolume()).isZero();
  }
}
