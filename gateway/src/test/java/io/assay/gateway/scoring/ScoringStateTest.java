package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.gateway.scoring.ScoringEvent.ParamsChanged;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.ScoringEvent.UidsChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoringState} against its definition, {@link WeightCalculator#compute(List, long)}:
 * on generated rough logs ({@link StateLogs}), a state fed the log computation by computation
 * reports what the reference computes from the whole prefix, equal to the last bit, while
 * answers, periods and ids leave it; and a state rebuilt from the log as trimmed at any point
 * goes on reporting the same.
 */
class ScoringStateTest {

  private static final int TRIES = 60;

  /** Feeds {@code state} the events of {@code log} from {@code next} while visible at {@code t}. */
  private static int feed(ScoringState state, List<ScoringEvent> log, int next, long t) {
    while (next < log.size() && log.get(next).at() <= t) {
      state.accept(next, log.get(next));
      next++;
    }
    return next;
  }

  @Test
  void aStateFedComputationByComputation_reportsWhatTheReferenceComputes_bitForBit() {
    for (long seed = 0; seed < TRIES; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      int periods = 6 + draw.nextInt(26);
      List<ScoringEvent> log = StateLogs.log(seed, periods);
      ScoringState state = ScoringState.create(Retention.withMargin(StateLogs.MARGIN));
      int next = 0;
      long t = 0;
      for (int k = 0; k < 8; k++) {
        t += (long) (draw.nextDouble() * StateLogs.endOf(periods) / 4);
        if (draw.nextBoolean()) {
          t = StateLogs.endOf(t / LogBuilder.HOUR);
        }
        next = feed(state, log, next, t);
        if (draw.nextInt(4) != 0) {
          state.advance(t);
        }
        assertSame(state, log.subList(0, next), t, "seed " + seed + " at " + t);
      }
    }
  }

  private static void assertSame(ScoringState state, List<ScoringEvent> prefix, long t,
      String what) {
    WeightReport expected = WeightCalculator.compute(prefix, t);
    WeightReport actual = state.report(t);
    assertThat(actual).as(what).isEqualTo(expected);
    expected.weights().forEach((miner, w) -> assertThat(Double.doubleToRawLongBits(
        actual.weights().get(miner))).as(what).isEqualTo(Double.doubleToRawLongBits(w)));
  }

  @Test
  void aStateRebuiltFromTheTrimmedLog_goesOnReportingWhatTheReferenceComputes() {
    for (long seed = 0; seed < TRIES / 2; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      int periods = 14 + draw.nextInt(20);
      List<ScoringEvent> log = StateLogs.log(seed + 1000, periods);
      ScoringState state = ScoringState.create(Retention.withMargin(StateLogs.MARGIN));
      long trimAt = StateLogs.endOf(8 + draw.nextInt(periods - 10));
      int next = feed(state, log, 0, trimAt);
      state.advance(trimAt);

      // Trimmed as the gateway trims: the events before the first one kept by time, except
      // the parameters, task weights, uids and what the state still holds.
      ScoringState.Trim trim = state.trim(trimAt);
      long keepFrom = trim.before();
      LongPredicate held = trim.held();
      ScoringState rebuilt = ScoringState.create(Retention.withMargin(StateLogs.MARGIN));
      rebuilt.assumeTrimmed(trim.before(), trim.minAnswers(), trim.zkRecent(),
          trim.periodMillis());
      boolean trimming = true;
      int dropped = 0;
      for (int i = 0; i < next; i++) {
        ScoringEvent e = log.get(i);
        trimming &= e.at() < keepFrom;
        if (!trimming || held.test(i) || e instanceof ParamsChanged
            || e instanceof TaskWeightsChanged || e instanceof UidsChanged) {
          rebuilt.accept(i, e);
        } else {
          dropped++;
        }
      }
      assertThat(dropped).as("seed %d trims something", seed).isPositive();
      String what = "seed " + seed + " trimmed at " + trimAt;
      assertSame(rebuilt, log.subList(0, next), trimAt, what);
      long t = trimAt;
      for (int k = 0; k < 4; k++) {
        t += (long) (draw.nextDouble() * LogBuilder.HOUR * 3);
        int from = next;
        next = feed(state, log, from, t);
        feed(rebuilt, log, from, t);
        rebuilt.advance(t);
        assertSame(rebuilt, log.subList(0, next), t, what + ", then at " + t);
        assertThat(state.report(t)).isEqualTo(rebuilt.report(t));
      }
    }
  }

  @Test
  void advancing_dropsAnswersOutOfTheWindowAndPeriodsOutOfTheVolumeWindow() {
    List<ScoringEvent> log = StateLogs.log(11, 30);
    ScoringParams p = ((ParamsChanged) log.get(0)).params();
    ScoringState state = ScoringState.create(Retention.withMargin(StateLogs.MARGIN));
    long t = StateLogs.endOf(29);
    feed(state, log, 0, t);
    int before = heldRows(state);
    state.advance(t);
    long from = t - p.qualityWindow().toMillis();
    long firstPeriod = WeightCalculator.lastPeriod(p, t) - p.volumePeriods() + 1;
    assertThat(heldRows(state)).isPositive().isLessThan(before / 3);
    for (TaskState task : state.tasks().values()) {
      assertThat(task.plans.keySet()).allSatisfy(period ->
          assertThat(period).isGreaterThanOrEqualTo(firstPeriod));
      assertThat(task.oldRecent.newestFirst().stream().filter(a -> !a.abandoned()))
          .hasSizeLessThanOrEqualTo(p.zkRecent());
      for (SeriesState s : task.series.values()) {
        assertThat(s.rows.size() == 0 || s.rows.at(s.rows.first()) >= from).isTrue();
        assertThat(s.periods.keySet()).allSatisfy(period ->
            assertThat(period).isGreaterThanOrEqualTo(firstPeriod));
        assertThat(s.oldChecked.newestFirst().stream().filter(a -> !a.abandoned()))
            .hasSizeLessThanOrEqualTo(p.minAnswers());
      }
    }
    assertThat(state.report(t)).isEqualTo(WeightCalculator.compute(log, t));
  }

  private static int heldRows(ScoringState state) {
    int n = 0;
    for (TaskState task : state.tasks().values()) {
      for (SeriesState s : task.series.values()) {
        n += s.rows.size();
      }
    }
    return n;
  }

  @Test
  void aPlanRecordedLongAfterItsPeriod_whenItsRequestsWereDropped_asksForARebuild() {
    LogBuilder log = LogBuilder.oneTask().declare(0, "a", 100).served(0, "a", 3, 10, 1)
        .checked("a", 1.0);
    ScoringState state = ScoringState.create(Retention.withMargin(Duration.ofMinutes(30)));
    log.events().forEach(state::accept);
    state.advance(3 * LogBuilder.HOUR);
    state.accept(new ScoringEvent.TestPlanned(3 * LogBuilder.HOUR, 0, LogBuilder.LLM, 0.5,
        0, LogBuilder.HOUR / 2));
    assertThatThrownBy(() -> state.report(3 * LogBuilder.HOUR))
        .isInstanceOfSatisfying(ScoringState.RebuildNeeded.class,
            e -> assertThat(e.history()).isFalse())
        .hasMessageContaining("test plan of period 0");
  }

  @Test
  void tasksScoredOnAnExecutor_reportTheSame() {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<ScoringEvent> log = StateLogs.log(7, 20);
      ScoringState state = ScoringState.create(Retention.withMargin(StateLogs.MARGIN));
      long t = StateLogs.endOf(20);
      feed(state, log, 0, t);
      assertThat(state.report(t, pool)).isEqualTo(state.report(t));
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aComputationBeforeTheNewestEventAccepted_isRefused() {
    List<ScoringEvent> log = StateLogs.log(3, 4);
    ScoringState state = ScoringState.create(Retention.withMargin(Duration.ofHours(1)));
    int next = feed(state, log, 0, StateLogs.endOf(3));
    assertThat(next).isPositive();
    assertThatThrownBy(() -> state.report(state.newestAt() - 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newest of which is at " + state.newestAt());
  }

  @Test
  void aLongerWindowThanWasKept_asksForARebuildFromHistory() {
    List<ScoringEvent> log = new ArrayList<>(StateLogs.log(5, 20));
    ScoringState state = ScoringState.create(Retention.withMargin(Duration.ofHours(1)));
    long t = log.stream().mapToLong(ScoringEvent::at).max().orElseThrow();
    feed(state, log, 0, t);
    state.advance(t);
    ScoringParams p = ((ParamsChanged) log.get(0)).params();
    ScoringParams longer = new ScoringParams(p.period(), p.declarationGrace(),
        p.qualityWindow().multipliedBy(3), p.minAnswers(), p.qualityThreshold(),
        p.qualityExponent(), p.qualityMin(), p.bonusSpan(), p.volumeWindow(),
        p.halfLifePeriods(), p.establishedPeriods(), p.newMinerMultiplier(), p.taskExponent(),
        p.streamTtftMax(), p.zkRecent(), p.burnUid(), p.tasks());
    state.accept(log.size(), ParamsChanged.of(t, longer));
    assertThatThrownBy(() -> state.report(t))
        .isInstanceOfSatisfying(ScoringState.RebuildNeeded.class,
            e -> assertThat(e.history()).isTrue());

    // Kept for the longer window from the start, it computes it exactly.
    ScoringState kept = ScoringState.create(Retention.withMargin(Duration.ofHours(1))
        .atLeast(longer, false));
    log.add(ParamsChanged.of(t, longer));
    for (int i = 0; i < log.size(); i++) {
      kept.accept(i, log.get(i));
      if (i % 500 == 0) {
        kept.advance(kept.newestAt());
      }
    }
    assertThat(kept.report(t)).isEqualTo(WeightCalculator.compute(log, t));
  }
}
