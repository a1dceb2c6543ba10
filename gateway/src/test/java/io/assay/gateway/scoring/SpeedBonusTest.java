package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** SCORING.md section 4: the pooled, work-weighted mid-rank speed bonus. */
class SpeedBonusTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults();
  private static final long NOW = 1_000_000_000L;

  private static long seq;

  private static Answer answer(String miner, long units, double seconds, Double q) {
    return new Answer(++seq, NOW - 1000, miner, units, seconds, 1, q);
  }

  private static SortedMap<String, Double> bonus(Map<String, List<Answer>> answers,
      Map<String, Double> meanQuality) {
    return SpeedBonus.of(answers, meanQuality, Answer::throughput, PARAMS, NOW);
  }

  @Test
  void twoEqualWorkMiners_getPlusAndMinusAQuarter() {
    Map<String, List<Answer>> answers = Map.of(
        "fast", List.of(answer("fast", 10, 1, 1.0)),
        "slow", List.of(answer("slow", 10, 2, 1.0)));
    SortedMap<String, Double> b = bonus(answers, Map.of());
    // fast: G = (0 + 5) / 20 = 0.25 -> +0.25; slow: G = (10 + 5) / 20 -> -0.25
    assertThat(b.get("fast")).isEqualTo(0.25);
    assertThat(b.get("slow")).isEqualTo(-0.25);
  }

  @Test
  void equalAnswers_shareTheirBonus_noTieBreakByHotkey() {
    Map<String, List<Answer>> answers = Map.of(
        "a", List.of(answer("a", 10, 1, 1.0)),
        "b", List.of(answer("b", 10, 1, 1.0)));
    SortedMap<String, Double> b = bonus(answers, Map.of());
    assertThat(b.get("a")).isZero();
    assertThat(b.get("b")).isZero();
  }

  @Test
  void zIsQualityTimesSpeed_andAnUncheckedAnswerTakesItsMinersMeanQuality() {
    // x: 10 units/s with q = 0.5 -> z = 5; y: 8 units/s unchecked, y's mean q 1 -> z = 8
    Map<String, List<Answer>> answers = Map.of(
        "x", List.of(answer("x", 10, 1, 0.5)),
        "y", List.of(answer("y", 8, 1, null)));
    SortedMap<String, Double> b = bonus(answers, Map.of("x", 0.5, "y", 1.0));
    assertThat(b.get("y")).isGreaterThan(b.get("x"));
  }

  @Test
  void theMiddleOfThreeEqualWorkMiners_getsNothing() {
    Map<String, List<Answer>> answers = Map.of(
        "a", List.of(answer("a", 10, 1, 1.0)),
        "b", List.of(answer("b", 10, 2, 1.0)),
        "c", List.of(answer("c", 10, 3, 1.0)));
    SortedMap<String, Double> b = bonus(answers, Map.of());
    assertThat(b.get("a")).isCloseTo(1.0 / 3, within(1e-15));
    assertThat(b.get("b")).isCloseTo(0, within(1e-15));
    assertThat(b.get("c")).isCloseTo(-1.0 / 3, within(1e-15));
  }

  @Test
  void answersOutsideTheQualityWindow_areNotPooled() {
    Answer old = new Answer(++seq, NOW - PARAMS.qualityWindow().toMillis() - 1, "old", 1000, 0.1,
        1, 1.0);
    Map<String, List<Answer>> answers = Map.of(
        "old", List.of(old),
        "a", List.of(answer("a", 10, 1, 1.0)),
        "b", List.of(answer("b", 10, 2, 1.0)));
    SortedMap<String, Double> b = bonus(answers, Map.of());
    assertThat(b.get("old")).isZero();
    assertThat(b.get("a")).isEqualTo(0.25);
  }

  @Test
  void relabellingAnswersBetweenHotkeys_keepsTheWorkWeightedTotalOfBonuses() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 200; trial++) {
      Map<String, List<Answer>> whole = new TreeMap<>();
      Map<String, List<Answer>> relabelled = new TreeMap<>();
      for (int i = 0; i < 40; i++) {
        String miner = "m" + random.nextInt(4);
        long units = 1 + random.nextInt(20);
        double seconds = 0.1 + random.nextInt(10) / 4.0;
        Answer a = answer(miner, units, seconds, 1.0);
        whole.computeIfAbsent(miner, k -> new ArrayList<>()).add(a);
        String other = miner.equals("m0") ? "m0-split-" + random.nextInt(3) : miner;
        relabelled.computeIfAbsent(other, k -> new ArrayList<>())
            .add(new Answer(a.seq(), a.at(), other, units, seconds, 1, 1.0));
      }
      SortedMap<String, Double> before = bonus(whole, Map.of());
      SortedMap<String, Double> after = bonus(relabelled, Map.of());
      double m0 = workWeighted(whole, before, m -> m.equals("m0"));
      double split = workWeighted(relabelled, after, m -> m.startsWith("m0"));
      assertThat(split).as("trial %d", trial).isCloseTo(m0, within(1e-9));
      for (String other : List.of("m1", "m2", "m3")) {
        assertThat(after.get(other)).isEqualTo(before.get(other));
      }
    }
  }

  private static double workWeighted(Map<String, List<Answer>> answers,
      Map<String, Double> bonus, java.util.function.Predicate<String> which) {
    double sum = 0;
    for (Map.Entry<String, List<Answer>> e : answers.entrySet()) {
      if (which.test(e.getKey())) {
        long work = e.getValue().stream().mapToLong(Answer::units).sum();
        sum += work * bonus.get(e.getKey());
      }
    }
    return sum;
  }
}
