package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.EMB;
import static io.assay.gateway.scoring.LogBuilder.HOUR;
import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCORING.md section 6 (task scores and weights) and the log's rules (section 8). */
class WeightCalculatorTest {

  /** One served, perfectly checked answer of {@code units} in {@code seconds}. */
  private static LogBuilder serve(LogBuilder log, String miner, long c, long units,
      double seconds) {
    return log.declare(0, miner, c).served(0, miner, 1, units, seconds).checked(miner, 1.0);
  }

  /** "a" declares 100 and "b" 300 in period 0; each serves one request of 10 units in 1 s. */
  private static WeightReport aAndThreeTimesA(LogBuilder log) {
    serve(log, "a", 100, 10, 1);
    serve(log, "b", 300, 10, 1);
    return log.computeAtEndOf(0);
  }

  @Test
  void taskScore_isTheShareOfEv_raisedToK_normalised() {
    // Equal speeds (no bonus), Q = 1: EV in proportion to c. s = 1/4, 3/4; k = 1.5.
    WeightReport r = aAndThreeTimesA(LogBuilder.oneTask().plan(0, 0.04, 30 * 60_000));

    double sa = StrictMath.pow(0.25, 1.5);
    double sb = StrictMath.pow(0.75, 1.5);
    assertThat(r.miners().get("a").tasks().get(LLM).taskScore())
        .isCloseTo(sa / (sa + sb), within(1e-15));
    assertThat(r.weights().get("a")).isCloseTo(sa / (sa + sb), within(1e-15));
    assertThat(r.weights().get("a") + r.weights().get("b")).isCloseTo(1, within(1e-15));
  }

  @Test
  void aPeriodNoTestWindowJudged_countsTheDeclarationOnlyAsFarAsItWasServed() {
    // No window in period 0 (a gateway started too late in it for one to fit): "b" declares
    // three times what "a" does and serves the same, which is all that was verified of either.
    WeightReport r = aAndThreeTimesA(LogBuilder.oneTask());
    assertThat(r.miners().get("b").tasks().get(LLM).verifiedVolume())
        .isEqualTo(r.miners().get("a").tasks().get(LLM).verifiedVolume()).isPositive();
    assertThat(r.weights().get("a")).isCloseTo(0.5, within(1e-15));

    // The same period with a window: the declarations count, as that window judged them.
    WeightReport t = aAndThreeTimesA(LogBuilder.oneTask().plan(0, 0.04, 30 * 60_000));
    assertThat(t.miners().get("b").tasks().get(LLM).verifiedVolume())
        .isCloseTo(3 * t.miners().get("a").tasks().get(LLM).verifiedVolume(), within(1e-12));
  }

  @Test
  void theRawWeight_isTheTaskWeightedSumOfTaskScores_exactly() {
    LogBuilder log = LogBuilder.withWeights(Map.of(LLM, 0.7, EMB, 0.3));
    serve(log, "a", 100, 10, 1);
    serve(log, "b", 200, 10, 2);
    log.task(EMB);
    serve(log, "a", 50, 5, 1);
    serve(log, "c", 80, 5, 1);
    WeightReport r = log.computeAtEndOf(0);

    for (String miner : List.of("a", "b", "c")) {
      WeightReport.MinerReport m = r.miners().get(miner);
      double expected = 0;
      for (Map.Entry<String, WeightReport.TaskReport> t : m.tasks().entrySet()) {
        expected += r.taskWeights().get(t.getKey()) * t.getValue().taskScore();
      }
      assertThat(m.raw()).isEqualTo(expected);
    }
  }

  @Test
  void aTaskWithNoEarningMiner_isSharedOutByNormalisation_withoutABurnUid() {
    LogBuilder log = LogBuilder.withWeights(Map.of(LLM, 0.5, EMB, 0.5));
    serve(log, "a", 100, 10, 1);
    WeightReport r = log.computeAtEndOf(0);
    assertThat(r.miners().get("a").raw()).isEqualTo(0.5);
    assertThat(r.weights().get("a")).isEqualTo(1.0);
    assertThat(r.burn()).isZero();
    assertThat(r.burnUid()).isNull();
  }

  @Test
  void aTaskWithNoEarningMiner_goesToTheBurnUid_whenOneIsSet() {
    LogBuilder log = LogBuilder.withParams(ScoringParams.defaults().withBurnUid(0),
        Map.of(LLM, 0.75, EMB, 0.25));
    serve(log, "a", 100, 10, 1);
    WeightReport r = log.computeAtEndOf(0);
    assertThat(r.weights().get("a")).isEqualTo(0.75);
    assertThat(r.burn()).isEqualTo(0.25);
    assertThat(r.burnUid()).isZero();
    assertThat(r.weightsU16().get("a")).isEqualTo(65535);
    assertThat(r.burnU16()).isEqualTo(21845);
  }

  @Test
  void u16_roundsHalfToEven() {
    assertThat(WeightCalculator.u16(0.5 / 65535, 1)).isZero();
    assertThat(WeightCalculator.u16(1.5 / 65535, 1)).isEqualTo(2);
    assertThat(WeightCalculator.u16(2.5 / 65535, 1)).isEqualTo(2);
    assertThat(WeightCalculator.u16(1, 1)).isEqualTo(65535);
    assertThat(WeightCalculator.u16(0, 0)).isZero();
  }

  @Test
  void taskExponent_k_isConfigurable() {
    LogBuilder log = LogBuilder.withParams(ScoringParams.defaults().withTaskExponent(1),
        Map.of(LLM, 1.0)).plan(0, 0.04, 30 * 60_000);
    WeightReport r = aAndThreeTimesA(log);
    assertThat(r.weights().get("a")).isCloseTo(0.25, within(1e-15));
  }

  @Test
  void parametersComeFromTheLog_andAComputationNeedsThem() {
    List<ScoringEvent> noParams = List.of(
        new ScoringEvent.TaskWeightsChanged(0, Map.of(LLM, 1.0), "config"));
    assertThatThrownBy(() -> WeightCalculator.compute(noParams, HOUR))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameters");
    List<ScoringEvent> noWeights = List.of(ScoringEvent.ParamsChanged.of(0,
        ScoringParams.defaults()));
    assertThatThrownBy(() -> WeightCalculator.compute(noWeights, HOUR))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task weights");
  }

  @Test
  void aParameterChange_appliesFromItsTimeOn() {
    LogBuilder log = LogBuilder.oneTask().plan(0, 0.04, 30 * 60_000);
    serve(log, "a", 100, 10, 1);
    serve(log, "b", 300, 10, 1);
    log.params(HOUR + 10, ScoringParams.defaults().withTaskExponent(1));
    double before = WeightCalculator.compute(log.events(), HOUR - 1).weights().get("a");
    double after = WeightCalculator.compute(log.events(), HOUR + 20).weights().get("a");
    assertThat(before).isLessThan(0.25);
    assertThat(after).isCloseTo(0.25 * 1, within(1e-12));
  }

  @Test
  void eventsAfterTheComputation_areIgnored() {
    LogBuilder log = LogBuilder.oneTask();
    serve(log, "a", 100, 10, 1);
    WeightReport before = log.computeAtEndOf(0);
    log.add(new ScoringEvent.QualityChecked(HOUR + 5, "a", LLM, "a1", 0));
    assertThat(log.computeAtEndOf(0)).isEqualTo(before);
  }

  @Test
  void uids_travelWithTheReport() {
    LogBuilder log = LogBuilder.oneTask();
    serve(log, "a", 100, 10, 1);
    log.add(new ScoringEvent.UidsChanged(5, Map.of("a", 17)));
    assertThat(log.computeAtEndOf(0).uids()).containsExactly(Map.entry("a", 17));
  }

  @Test
  void theBonusIsAppliedToQuality_cqs() {
    LogBuilder log = LogBuilder.oneTask();
    serve(log, "fast", 100, 10, 1);
    serve(log, "slow", 100, 10, 2);
    WeightReport r = log.computeAtEndOf(0);
    assertThat(r.miners().get("fast").tasks().get(LLM).bonus()).isEqualTo(0.25);
    assertThat(r.miners().get("fast").tasks().get(LLM).cqs()).isEqualTo(1.25);
    assertThat(r.miners().get("slow").tasks().get(LLM).cqs()).isEqualTo(0.75);
  }
}
