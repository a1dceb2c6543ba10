package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.assay.gateway.scoring.QualityScore.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCORING.md section 4: which answers count, quality Q and speed V. */
class QualityScoreTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults();
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final long NOW = 100 * DAY;

  private final List<Answer> answers = new ArrayList<>();
  private final Map<String, Double> checks = new HashMap<>();

  /** An answer {@code daysAgo} before NOW of {@code units} in {@code seconds}; its id. */
  private String answer(double daysAgo, long units, double seconds) {
    String id = "a" + answers.size();
    answers.add(new Answer(NOW - (long) (daysAgo * DAY), id, answers.size(), units, seconds));
    return id;
  }

  private QualityScore score(ScoringParams params) {
    return QualityScore.of(answers, checks::get, params, NOW);
  }

  @Test
  void nearestRank_isTheValueAtCeilPTimesN() {
    double[] ten = {10, 3, 7, 1, 9, 2, 8, 4, 6, 5};
    assertThat(QualityScore.nearestRank(ten, 0.30)).isEqualTo(3);   // ceil(3.0) = 3rd
    assertThat(QualityScore.nearestRank(new double[] {4, 1, 3, 2}, 0.30)).isEqualTo(2); // ceil 1.2
    assertThat(QualityScore.nearestRank(new double[] {3, 1, 2}, 0.30)).isEqualTo(1);    // ceil 0.9
    assertThat(QualityScore.nearestRank(new double[] {42}, 0.30)).isEqualTo(42);
    assertThat(QualityScore.nearestRank(ten, 0)).isEqualTo(1);
    assertThat(QualityScore.nearestRank(ten, 1)).isEqualTo(10);
    assertThat(ten[0]).as("input untouched").isEqualTo(10);
  }

  @Test
  void nearestRank_readsPAsTheDecimalItIsWrittenAs() {
    // 0.55 * 100 is 55.00000000000001 in doubles; the 55th value is meant, not the 56th
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertThat(0.55 * 100).isGreaterThan(55);
    assertThat(QualityScore.nearestRank(hundred, 0.55)).isEqualTo(55);
  }

  @Test
  void quality_isTheMeanOfQToThe1point5() {
    // q = 1 and 1: Q = 1, above 0.85, kept
    checks.put(answer(0, 10, 1), 1.0);
    checks.put(answer(0, 10, 1), 1.0);
    assertThat(score(PARAMS).quality()).isEqualTo(1.0);
  }

  @Test
  void quality_atOrBelowTheThreshold_isSquared() {
    // q = 1 and 0.64: (1 + 0.64^1.5) / 2 = (1 + 0.512) / 2 = 0.756 <= 0.85 -> 0.756^2 = 0.571536
    checks.put(answer(0, 10, 1), 1.0);
    checks.put(answer(0, 10, 1), 0.64);
    assertThat(score(PARAMS).quality()).isCloseTo(0.571536, within(1e-15));
  }

  @Test
  void quality_exactlyAtTheThreshold_isSquared_justAboveIsNot() {
    // with exponent 1 the mean is q itself: 0.85 -> 0.7225; 0.86 -> 0.86
    ScoringParams linear = withExponent(1);
    checks.put(answer(0, 10, 1), 0.85);
    assertThat(score(linear).quality()).isEqualTo(0.85 * 0.85);
    checks.put("a0", 0.86);
    assertThat(score(linear).quality()).isEqualTo(0.86);
  }

  @Test
  void negativeQuality_countsAsZero_andAboveOneAsOne() {
    // q = -1 -> 0, q = 3 -> 1: (0 + 1) / 2 = 0.5 -> 0.25; V over q*v = {0, 10}: 30th pct = 0
    checks.put(answer(0, 10, 1), -1.0);
    checks.put(answer(0, 10, 1), 3.0);
    QualityScore q = score(PARAMS);
    assertThat(q.quality()).isEqualTo(0.25);
    assertThat(q.speed()).isZero();
  }

  @Test
  void speed_isThePercentileOfQualityTimesSpeed_overCheckedAnswersOnly() {
    // checked: v = 10/1 q 1 -> 10; v = 40/2 q 0.5 -> 10; v = 30/1 q 1 -> 30; v = 2/1 q 1 -> 2
    // unchecked answers (v = 1000) do not count. Sorted {2, 10, 10, 30}: ceil(1.2) = 2nd = 10
    checks.put(answer(0, 10, 1), 1.0);
    checks.put(answer(0, 40, 2), 0.5);
    checks.put(answer(0, 30, 1), 1.0);
    checks.put(answer(0, 2, 1), 1.0);
    answer(0, 1000, 1);
    answer(0, 1000, 1);
    QualityScore q = score(PARAMS);
    assertThat(q.answers()).isEqualTo(6);
    assertThat(q.checked()).isEqualTo(4);
    assertThat(q.speed()).isEqualTo(10);
  }

  @Test
  void noAnswerChecked_usesQualityOne_andThePercentileOfPlainSpeed() {
    // v = {5, 1, 3}: ceil(0.9) = 1st = 1
    answer(0, 10, 2);
    answer(0, 1, 1);
    answer(0, 30, 10);
    assertThat(score(PARAMS)).isEqualTo(new QualityScore(3, 0, 1, 1));
  }

  @Test
  void instantAnswers_areTimedAsOneMillisecond() {
    answer(0, 5, 0);
    assertThat(score(PARAMS).speed()).isEqualTo(5000);
  }

  @Test
  void noAnswers_scoreNothing() {
    assertThat(score(PARAMS)).isEqualTo(new QualityScore(0, 0, 0, 0));
  }

  @Test
  void answersOfTheLastFiveDays_allCount_evenBeyondFifty() {
    for (int i = 0; i < 60; i++) {
      answer(4.9, 1, 1);
    }
    answer(5.1, 1, 1);
    assertThat(score(PARAMS).answers()).isEqualTo(60);
  }

  @Test
  void fewerThanFiftyRecentAnswers_reachBackForTheNewestFifty() {
    // 10 recent answers of quality 1; 45 old ones: the 40 newest old ones (q 0) join them;
    // the 5 oldest (q 1) do not. Q = (10 * 1 + 40 * 0) / 50 = 0.2 -> 0.04
    for (int i = 0; i < 10; i++) {
      checks.put(answer(1, 1, 1), 1.0);
    }
    for (int i = 0; i < 40; i++) {
      checks.put(answer(6 + i * 0.01, 1, 1), 0.0);
    }
    for (int i = 0; i < 5; i++) {
      checks.put(answer(20, 1, 1), 1.0);
    }
    QualityScore q = score(PARAMS);
    assertThat(q.answers()).isEqualTo(50);
    assertThat(q.quality()).isCloseTo(0.04, within(1e-15));
  }

  @Test
  void fewerThanFiftyAnswersInAll_useThemAll() {
    answer(30, 1, 1);
    answer(60, 1, 1);
    assertThat(score(PARAMS).answers()).isEqualTo(2);
  }

  private static ScoringParams withExponent(double exponent) {
    ScoringParams d = ScoringParams.defaults();
    return new ScoringParams(d.period(), d.qualityWindow(), d.minAnswers(), d.qualityThreshold(),
        exponent, d.speedPercentile(), d.bonusSpan(), d.npsWindow(), d.establishedPeriods(),
        d.newMinerMultiplier(), d.periodDecay(), d.taskExponent());
  }
}
