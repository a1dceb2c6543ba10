package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.EMB;
import static io.assay.gateway.scoring.LogBuilder.HOUR;
import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.WeightReport.TaskReport;
import io.assay.task.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCORING.md sections 4 to 6 end to end, from an event log to the report. */
class WeightCalculatorTest {

  private static TaskReport llm(WeightReport report, String miner) {
    return report.miners().get(miner).tasks().get(LLM);
  }

  @Test
  void oneMinerAloneInATask_getsNoBonus_andTheWholeTask() {
    // 10 x 10 units in 1 s of a declared 100: PS = 1, one scored period -> NPS = 0.25;
    // unchecked -> Q = 1, V = 10; N = 1 -> bonus 0, CQS = 1; s = 1, t = 1
    WeightReport report = LogBuilder.oneTask().declare(0, "alice", 100)
        .served(0, "alice", 10, 10, 1.0).computeAtEndOf(0);

    assertThat(llm(report, "alice"))
        .isEqualTo(new TaskReport(100, 100, 10, 0, 0, 1.0, 1, 0.25, 10, 0, null, 10.0, 1.0, 1.0));
    assertThat(report.weights()).containsExactly(Map.entry("alice", 1.0));
    assertThat(report.weightsU16()).containsExactly(Map.entry("alice", 65535));
  }

  @Test
  void speedRank_givesFromPlusAQuarterToMinusAQuarter_equalSpeedsByHotkey() {
    // V: alice 30, bob 20, carl 20, dave 10 -> r = 0, 1, 2, 3 of N = 4
    // bonus = 0.5 * (0.5 - r/3) = +0.25, +1/12, -1/12, -0.25
    LogBuilder log = LogBuilder.oneTask();
    String[] miners = {"dave", "carl", "bob", "alice"};
    double[] seconds = {1.0, 0.5, 0.5, 1.0 / 3};
    for (int i = 0; i < miners.length; i++) {
      log.declare(0, miners[i], 100).served(0, miners[i], 1, 10, seconds[i]);
    }
    WeightReport report = log.computeAtEndOf(0);

    assertThat(llm(report, "alice").cqs()).isEqualTo(1.25);
    assertThat(llm(report, "bob").cqs()).isCloseTo(1 + 1.0 / 12, within(1e-15));
    assertThat(llm(report, "carl").cqs()).isCloseTo(1 - 1.0 / 12, within(1e-15));
    assertThat(llm(report, "dave").cqs()).isEqualTo(0.75);
  }

  @Test
  void taskScore_raisesSharesToTheFourth() {
    // alice V 20 (+0.25), bob V 10 (-0.25); both NPS 0.25 and c 100:
    // EV = 31.25 and 18.75 -> s = 5/8 and 3/8 -> t = 625/706 and 81/706
    // u16: alice 65535, bob round(65535 * 81 / 625) = round(8493.336) = 8493
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 10, 10, 0.5)
        .declare(0, "bob", 100).served(0, "bob", 10, 10, 1.0)
        .computeAtEndOf(0);

    assertThat(llm(report, "alice").taskScore()).isCloseTo(625.0 / 706, within(1e-15));
    assertThat(llm(report, "bob").taskScore()).isCloseTo(81.0 / 706, within(1e-15));
    assertThat(report.weights().get("alice")).isCloseTo(625.0 / 706, within(1e-15));
    assertThat(report.weightsU16()).containsExactly(Map.entry("alice", 65535),
        Map.entry("bob", 8493));
  }

  @Test
  void u16_roundsHalfUp() {
    // three tasks of weight 0.5, 0.25, 0.25, one miner alone in each (t = 1):
    // 65535 * 0.25 / 0.5 = 32767.5 -> 32768
    LogBuilder log = LogBuilder.withWeights(Map.of("a/x", 0.5, "b/x", 0.25, "c/x", 0.25));
    for (String miner : List.of("a", "b", "c")) {
      log.task(miner + "/x").declare(0, miner, 100).served(0, miner, 1, 10, 1);
    }
    WeightReport report = log.computeAtEndOf(0);

    assertThat(report.weights()).containsExactly(Map.entry("a", 0.5), Map.entry("b", 0.25),
        Map.entry("c", 0.25));
    assertThat(report.weightsU16()).containsExactly(Map.entry("a", 65535),
        Map.entry("b", 32768), Map.entry("c", 32768));
  }

  @Test
  void taskWeights_areTheLatestChangeAtOrBeforeComputedAt_laterInTheLogOnEqualTimes() {
    WeightReport report = LogBuilder.withWeights(Map.of(LLM, 1.0, EMB, 0.0))
        .weights(HOUR / 2, Map.of(LLM, 0.5, EMB, 0.5))
        .weights(HOUR / 2, Map.of(LLM, 0.25, EMB, 0.75))
        .weights(HOUR, Map.of(LLM, 0.0, EMB, 1.0))
        .declare(0, "alice", 100).served(0, "alice", 1, 10, 1)
        .task(EMB).declare(0, "bob", 100).served(0, "bob", 1, 10, 1)
        .computeAtEndOf(0);

    assertThat(report.taskWeights()).containsExactly(Map.entry(EMB, 0.75), Map.entry(LLM, 0.25));
    assertThat(report.weights()).containsExactly(Map.entry("alice", 0.25),
        Map.entry("bob", 0.75));
  }

  @Test
  void noTaskWeightsRecorded_fails() {
    List<ScoringEvent> events = List.of(new CapacityDeclared(0, "alice", LLM, 10),
        new TaskWeightsChanged(2 * HOUR, Map.of(LLM, 1.0), "config"));
    assertThatThrownBy(() -> WeightCalculator.compute(events, ScoringParams.defaults(), HOUR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no task weights recorded at or before " + HOUR);
  }

  @Test
  void eventsAfterComputedAt_areIgnored() {
    long computedAt = HOUR - 2;
    LogBuilder log = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 3, 10, 1)
        .declare(0, "bob", 100).served(0, "bob", 3, 10, 2);
    WeightReport before = WeightCalculator.compute(log.events(), ScoringParams.defaults(),
        computedAt);

    log.declare(1, "alice", 0).failed(1, "alice", 3).served(1, "bob", 1, 10, 0.01)
        .add(new RequestOutcome(HOUR - 1, 0, "alice", LLM, "late", Outcome.FAILED, 0, 1, true))
        .add(new QualityChecked(HOUR - 1, "bob", LLM, "a4", 0.0))
        .weights(HOUR - 1, Map.of(LLM, 0.0, EMB, 1.0));
    WeightReport after = WeightCalculator.compute(log.events(), ScoringParams.defaults(),
        computedAt);

    assertThat(after).isEqualTo(before);
  }

  @Test
  void noCapacityDeclaredNow_earnsNothing_whateverWasServedBefore() {
    // alice served in period 0 but declares 0 for period 1: EV = CQS * NPS * 0 = 0
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 10, 10, 0.1)
        .declare(0, "bob", 100).served(0, "bob", 10, 10, 1)
        .declare(1, "alice", 0).declare(1, "bob", 100)
        .computeAtEndOf(1);

    assertThat(llm(report, "alice").declared()).isZero();
    assertThat(llm(report, "alice").nps()).isEqualTo(0.25);
    assertThat(llm(report, "alice").taskScore()).isZero();
    assertThat(report.weights()).containsExactly(Map.entry("alice", 0.0), Map.entry("bob", 1.0));
  }

  @Test
  void minerWithoutAnswers_hasNoSpeedAndNoCqs_andIsNotRanked() {
    // alice only fails: no answers, CQS 0. bob is alone in the ranking: bonus 0.
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).failed(0, "alice", 2)
        .declare(0, "bob", 100).served(0, "bob", 1, 10, 1)
        .computeAtEndOf(0);

    assertThat(llm(report, "alice")).isEqualTo(
        new TaskReport(100, 0, 2, 0, 2, 0.0, 1, 0.0, 0, 0, null, null, 0.0, 0.0));
    assertThat(llm(report, "bob").cqs()).isEqualTo(1.0);
  }

  @Test
  void checkedQuality_entersCqs() {
    // q = 1 and 0.64: Q = 0.756^2 = 0.571536; alone in the task: CQS = Q
    WeightReport report = LogBuilder.oneTask().declare(0, "alice", 100)
        .served(0, "alice", 1, 10, 1).checked("alice", 1.0)
        .served(0, "alice", 1, 10, 1).checked("alice", 0.64)
        .computeAtEndOf(0);

    TaskReport alice = llm(report, "alice");
    assertThat(alice.checked()).isEqualTo(2);
    assertThat(alice.quality()).isCloseTo(0.571536, within(1e-15));
    assertThat(alice.cqs()).isEqualTo(alice.quality());
  }

  @Test
  void qualityChecks_joinOnMinerTaskAndAnswer_theLatestCounting() {
    // a1 is alice's; a check naming bob is ignored. Of alice's checks the latest (q 1) counts,
    // on equal times the later in the log (q 0.5 then q 1 at the same time -> q 1)
    WeightReport report = LogBuilder.oneTask().declare(0, "alice", 100)
        .served(0, "alice", 1, 10, 1)
        .add(new QualityChecked(5000, "alice", LLM, "a1", 0.0))
        .add(new QualityChecked(9000, "alice", LLM, "a1", 0.5))
        .add(new QualityChecked(9000, "alice", LLM, "a1", 1.0))
        .add(new QualityChecked(7000, "alice", LLM, "a1", 0.1))
        .add(new QualityChecked(9500, "bob", LLM, "a1", 0.0))
        .computeAtEndOf(0);

    assertThat(llm(report, "alice").quality()).isEqualTo(1.0);
  }

  @Test
  void currentPeriodCounts_coverOnlyTheCurrentPeriod() {
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 5, 10, 1).failed(0, "alice", 1)
        .declare(1, "alice", 50).served(1, "alice", 2, 10, 1).rateLimited(1, "alice", 3)
        .computeAtEndOf(1);

    // period 1: c = 50, consumed 20, u = 0.6, good = 0.4: PS = 0.4 * (1 - 0.6 * 0.6) = 0.256
    TaskReport alice = llm(report, "alice");
    assertThat(List.of(alice.declared(), alice.consumed(), alice.requests(), alice.rateLimited(),
        alice.failed())).containsExactly(50L, 20L, 5L, 3L, 0L);
    assertThat(alice.periodScore()).isCloseTo(0.256, within(1e-15));
    assertThat(alice.scoredPeriods()).isEqualTo(2);
  }

  @Test
  void taskWithoutWeight_weighsNothing() {
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 1, 10, 1)
        .task("zk/unweighted").declare(0, "bob", 100).served(0, "bob", 1, 10, 1)
        .computeAtEndOf(0);

    assertThat(report.miners().get("bob").tasks().get("zk/unweighted").taskScore()).isEqualTo(1);
    assertThat(report.weights()).containsExactly(Map.entry("alice", 1.0), Map.entry("bob", 0.0));
  }

  @Test
  void weightedTaskWithoutMiners_contributesNothing() {
    WeightReport report = LogBuilder.withWeights(Map.of(LLM, 0.5, EMB, 0.5))
        .declare(0, "alice", 100).served(0, "alice", 1, 10, 1)
        .computeAtEndOf(0);

    assertThat(report.weights()).containsExactly(Map.entry("alice", 1.0));
    assertThat(report.weightsU16()).containsExactly(Map.entry("alice", 65535));
  }

  @Test
  void nobodyEarning_givesAllZeroWeights() {
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).failed(0, "alice", 1)
        .declare(0, "bob", 0).served(0, "bob", 1, 10, 1)
        .computeAtEndOf(0);

    assertThat(report.weights()).containsExactly(Map.entry("alice", 0.0), Map.entry("bob", 0.0));
    assertThat(report.weightsU16()).containsExactly(Map.entry("alice", 0), Map.entry("bob", 0));
  }

  @Test
  void report_roundTripsThroughJson() throws Exception {
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 3, 10, 0.3).checked("alice", 0.9)
        .declare(0, "bob", 100).served(0, "bob", 3, 7, 1.1).failed(0, "bob", 1)
        .computeAtEndOf(0);

    String json = Json.MAPPER.writeValueAsString(report);
    assertThat(json).contains("\"computed_at\"", "\"weights_u16\"", "\"task_score\"",
        "\"quality\":null", "\"rate_limited\"");
    assertThat(Json.MAPPER.readValue(json, WeightReport.class)).isEqualTo(report);
  }
}
