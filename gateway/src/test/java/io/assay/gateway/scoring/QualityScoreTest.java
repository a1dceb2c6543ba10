package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.HOUR;
import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.assay.gateway.scoring.ScoringEvent.CheckFailed.Cause;
import io.assay.gateway.scoring.WeightReport.TaskReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SCORING.md section 4: quality {@code Q}, check failures and {@code quality.min}. */
class QualityScoreTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults();
  private static final long NOW = 10 * 24 * HOUR;

  private static Answer answer(long seq, long at, long units, double p, Double q) {
    return new Answer(seq, at, "m", units, 1, p, q);
  }

  @Test
  void noCheckedAnswer_givesZero_notOne() {
    List<Answer> answers = List.of(answer(1, NOW - 1, 10, 1, null));
    QualityScore q = QualityScore.of(answers, PARAMS, NOW);
    assertThat(q.value()).isZero();
    assertThat(q.checked()).isZero();
  }

  @Test
  void perfectAnswers_scoreOne() {
    List<Answer> answers = List.of(answer(1, NOW - 1, 10, 1, 1.0), answer(2, NOW - 1, 5, 1, 1.0));
    assertThat(QualityScore.of(answers, PARAMS, NOW).value()).isEqualTo(1.0);
  }

  @Test
  void answersWeighByWorkOverCheckProbability() {
    // A synthetic answer of 10 units (p = 1) with q = 1 and an organic one of 10 units
    // checked with p = 0.1 with q = 0: the organic answer stands for ten like it.
    // mean(q^1.5) = (10 * 1 + 100 * 0) / 110 = 1/11 < 0.85 -> Q = (1/11)^2 / 0.85
    List<Answer> answers = List.of(answer(1, NOW - 1, 10, 1, 1.0),
        answer(2, NOW - 1, 10, 0.1, 0.0));
    QualityScore q = QualityScore.of(answers, PARAMS, NOW);
    assertThat(q.value()).isCloseTo((1.0 / 11) * (1.0 / 11) / 0.85, within(1e-15));
    assertThat(q.meanQuality()).isCloseTo(1.0 / 11, within(1e-15));
  }

  @Test
  void aHeavyBadAnswer_cannotHideAmongManySmallGoodOnes() {
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(answer(i, NOW - 1, 1, 1, 1.0));
    }
    answers.add(answer(99, NOW - 1, 180, 1, 0.0));
    // unweighted it would be 20/21; by work it is 20/200
    assertThat(QualityScore.of(answers, PARAMS, NOW).value())
        .isCloseTo(0.1 * 0.1 / 0.85, within(1e-15));
  }

  @Test
  void belowTheThreshold_theScoreFallsContinuously() {
    double below = qualityOfMean(0.8499999);
    double at = qualityOfMean(0.85);
    assertThat(at).isCloseTo(0.85, within(1e-12));
    assertThat(below).isCloseTo(0.85, within(1e-6)).isLessThan(at);
    assertThat(qualityOfMean(0.5)).isCloseTo(0.25 / 0.85, within(1e-12));
  }

  /** Q of answers whose mean of q^1.5 is {@code target}. */
  private static double qualityOfMean(double target) {
    double q = StrictMath.pow(target, 1 / 1.5);
    return QualityScore.of(List.of(answer(1, NOW - 1, 1, 1, q)), PARAMS, NOW).value();
  }

  @Test
  void theFiveDayWindow_orTheLatestFiftyWhenItHoldsFewer() {
    List<Answer> answers = new ArrayList<>();
    // 60 old perfect answers (6 days ago) and 10 recent bad ones
    for (int i = 0; i < 60; i++) {
      answers.add(answer(i, NOW - 6 * 24 * HOUR + i, 1, 1, 1.0));
    }
    for (int i = 0; i < 10; i++) {
      answers.add(answer(100 + i, NOW - 1000 + i, 1, 1, 0.0));
    }
    QualityScore q = QualityScore.of(answers, PARAMS, NOW);
    // the window holds 10 < 50: the latest 50 count, 10 bad and 40 good -> mean 0.8
    assertThat(q.checked()).isEqualTo(50);
    assertThat(q.value()).isCloseTo(0.8 * 0.8 / 0.85, within(1e-15));
  }

  @Test
  void aFailedCheckOfTheAnswer_countsAsZero_oneOfTheService_isLeftOut() {
    LogBuilder log = LogBuilder.oneTask().declare(0, "m", 100)
        .served(0, "m", 1, 10, 1).checked("m", 1.0)
        .served(0, "m", 1, 10, 1).checkFailed("m", Cause.SERVICE);
    TaskReport served = log.computeAtEndOf(0).miners().get("m").tasks().get(LLM);
    assertThat(served.quality()).isEqualTo(1.0);
    assertThat(served.checked()).isEqualTo(1);

    log.served(0, "m", 1, 10, 1).checkFailed("m", Cause.ANSWER);
    TaskReport failed = log.computeAtEndOf(0).miners().get("m").tasks().get(LLM);
    assertThat(failed.checked()).isEqualTo(2);
    assertThat(failed.quality()).isCloseTo(0.5 * 0.5 / 0.85, within(1e-15));
  }

  @Test
  void aVerdict_winsOverAFailedCheckOfTheSameAnswer_andQualityIsClamped() {
    LogBuilder log = LogBuilder.oneTask().declare(0, "m", 100)
        .served(0, "m", 1, 10, 1).checkFailed("m", Cause.ANSWER).checked("m", 1.7)
        .served(0, "m", 1, 10, 1).checked("m", -3);
    TaskReport r = log.computeAtEndOf(0).miners().get("m").tasks().get(LLM);
    assertThat(r.checked()).isEqualTo(2);
    assertThat(r.quality()).isCloseTo(0.5 * 0.5 / 0.85, within(1e-15));
  }

  @Test
  void belowQualityMin_aMinerEarnsNothingOnTheTask() {
    // alice's Q = 1; bob's mean q^1.5 = 0.6 -> Q = 0.36 / 0.85 = 0.42 < 0.5
    double q = StrictMath.pow(0.6, 1 / 1.5);
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 1, 10, 1).checked("alice", 1)
        .declare(0, "bob", 100).served(0, "bob", 1, 10, 1).checked("bob", q)
        .computeAtEndOf(0);
    TaskReport bob = report.miners().get("bob").tasks().get(LLM);
    assertThat(bob.quality()).isCloseTo(0.36 / 0.85, within(1e-12));
    assertThat(bob.earning()).isFalse();
    assertThat(bob.taskScore()).isZero();
    assertThat(report.weights().get("alice")).isEqualTo(1.0);
  }
}
