package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.assay.gateway.scoring.PeriodTally.Nps;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** SCORING.md section 3 (period score) and section 5 (volume-weighted period score). */
class PeriodScoreTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults();
  private static final long NOW = 1000;

  private static PeriodTally tally(long period, long successes, long rateLimited, long failed,
      long consumed) {
    PeriodTally t = new PeriodTally(period);
    t.total = successes + rateLimited + failed;
    t.rateLimited = rateLimited;
    t.failed = failed;
    t.consumed = consumed;
    return t;
  }

  @Test
  void everyRequestServed_scoresOne_evenWithCapacityLeft() {
    // c = 100, 4 successes consuming 40: u = 0.6, good = 1, no 429, no failure -> PS = 1
    assertThat(tally(NOW, 4, 0, 0, 40).score(100)).isEqualTo(1.0);
  }

  @Test
  void rateLimited_afterDeclaredCapacityIsUsedUp_costsNoPenaltyBeyondGood() {
    // c = 100, 10 successes consuming 100, 5 x 429: u = 0 -> PS = good = 10/15
    assertThat(tally(NOW, 10, 5, 0, 100).score(100)).isEqualTo(10.0 / 15);
  }

  @Test
  void rateLimited_withDeclaredCapacityUnused_isPenalised() {
    // c = 200, same outcomes: u = 100/200 = 0.5, good = 2/3
    // PS = 2/3 * (1 - (5/15) * 0.5) = 2/3 * 5/6 = 0.5555...
    assertThat(tally(NOW, 10, 5, 0, 100).score(200)).isCloseTo(10.0 / 18, within(1e-15));
  }

  @Test
  void allRateLimited_scoresZero_butWeighsNothingBecauseNothingWasConsumed() {
    // good = 0 whatever u is: with capacity used up (c = 0, u = 0) and with it unused (u = 1).
    // The period still counts as scored (section 5) but with consumed = 0 it has no weight.
    assertThat(tally(NOW, 0, 3, 0, 0).score(0)).isZero();
    assertThat(tally(NOW, 0, 3, 0, 0).score(100)).isZero();
  }

  @Test
  void capacityZero_leavesNothingUnused() {
    // c = 0: u = max(0 - 10, 0) / max(0, 1) = 0, so a 429 costs only through good: 2/3
    assertThat(tally(NOW, 2, 1, 0, 10).score(0)).isEqualTo(2.0 / 3);
  }

  @Test
  void singleFailure_ofASingleRequest_scoresZero() {
    // total = 1, nfail = 1: good = 0
    assertThat(tally(NOW, 0, 0, 1, 0).score(100)).isZero();
  }

  @Test
  void oneFailure_inTwoRequests_isPunishedHard() {
    // c = 100, 1 success of 10, 1 failure: u = 0.9, good = 0.5
    // PS = 0.5 * 1 * (1 - 0.5 * 0.9)^2 = 0.5 * 0.55^2 = 0.15125
    assertThat(tally(NOW, 1, 0, 1, 10).score(100)).isCloseTo(0.15125, within(1e-15));
  }

  @Test
  void oneFailure_inTwenty_costsLittle() {
    // c = 100, 19 successes consuming 95: u = 0.05, good = 0.95
    // PS = 0.95 * (1 - (1/20) * 0.05)^2 = 0.95 * 0.9975^2 = 0.95 * 0.99500625 = 0.9452559375
    assertThat(tally(NOW, 19, 0, 1, 95).score(100)).isCloseTo(0.9452559375, within(1e-15));
  }

  @Test
  void noPeriodScored_givesZeroAndNoLatest() {
    Nps nps = Nps.of(new TreeMap<>(), new TreeMap<>(), NOW, PARAMS);
    assertThat(nps).isEqualTo(new Nps(0, 0, null));
  }

  @Test
  void fewerThanNineScoredPeriods_earnAQuarter() {
    // 8 periods with PS = 1: NPS = 0.25 * 1
    Nps nps = Nps.of(perfectPeriods(8), declared(8), NOW, PARAMS);
    assertThat(nps).isEqualTo(new Nps(0.25, 8, 1.0));
  }

  @Test
  void exactlyNineScoredPeriods_earnInFull() {
    Nps nps = Nps.of(perfectPeriods(9), declared(9), NOW, PARAMS);
    assertThat(nps).isEqualTo(new Nps(1.0, 9, 1.0));
  }

  @Test
  void newerAndBusierPeriods_weighMore_andUnscoredPeriodsAreSkipped() {
    // NOW: PS 1, consumed 100 (i = 0); NOW-1: no requests (skipped, not counted);
    // NOW-2: 1 success of 100 + 1 failure with c = 100: u = 0, PS = 0.5 (i = 1);
    // NOW-3: PS 1, consumed 300 (i = 2).
    // NPS = 0.25 * (1*100*1 + 0.5*100*0.5 + 1*300*0.25) / (100 + 50 + 75) = 0.25 * 200/225
    NavigableMap<Long, PeriodTally> tallies = new TreeMap<>();
    tallies.put(NOW, tally(NOW, 10, 0, 0, 100));
    tallies.put(NOW - 2, tally(NOW - 2, 1, 0, 1, 100));
    tallies.put(NOW - 3, tally(NOW - 3, 30, 0, 0, 300));
    NavigableMap<Long, Long> declared = new TreeMap<>();
    for (long p = NOW - 3; p <= NOW; p++) {
      declared.put(p, 100L);
    }
    Nps nps = Nps.of(tallies, declared, NOW, PARAMS);
    assertThat(nps.value()).isCloseTo(0.25 * 200 / 225, within(1e-15));
    assertThat(nps.periods()).isEqualTo(3);
    assertThat(nps.latest()).isEqualTo(1.0);
  }

  @Test
  void nothingConsumed_givesZero() {
    NavigableMap<Long, PeriodTally> tallies = new TreeMap<>();
    tallies.put(NOW, tally(NOW, 0, 2, 0, 0));
    tallies.put(NOW - 1, tally(NOW - 1, 0, 0, 3, 0));
    assertThat(Nps.of(tallies, declared(2), NOW, PARAMS)).isEqualTo(new Nps(0, 2, 0.0));
  }

  @Test
  void periodsBeforeTheThreeDayWindow_doNotCount() {
    // the window is the 72 periods NOW-71 .. NOW; NOW-72 holds a bad period
    NavigableMap<Long, PeriodTally> tallies = perfectPeriods(72);
    tallies.put(NOW - 72, tally(NOW - 72, 0, 0, 5, 0));
    Nps nps = Nps.of(tallies, declared(73), NOW, PARAMS);
    assertThat(nps).isEqualTo(new Nps(1.0, 72, 1.0));
  }

  @Test
  void futurePeriods_doNotCount() {
    NavigableMap<Long, PeriodTally> tallies = perfectPeriods(1);
    tallies.put(NOW + 1, tally(NOW + 1, 0, 0, 5, 0));
    assertThat(Nps.of(tallies, declared(1), NOW, PARAMS)).isEqualTo(new Nps(0.25, 1, 1.0));
  }

  /** {@code n} periods ending with NOW, each serving 10 x 10 units of a declared 100. */
  private static NavigableMap<Long, PeriodTally> perfectPeriods(int n) {
    NavigableMap<Long, PeriodTally> tallies = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      tallies.put(NOW - i, tally(NOW - i, 10, 0, 0, 100));
    }
    return tallies;
  }

  private static NavigableMap<Long, Long> declared(int n) {
    NavigableMap<Long, Long> declared = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      declared.put(NOW - i, 100L);
    }
    return declared;
  }
}
