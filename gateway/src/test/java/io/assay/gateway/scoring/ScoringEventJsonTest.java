package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScoringEventJsonTest {

  private static final List<ScoringEvent> MIXED = List.of(
      ScoringEvent.ParamsChanged.of(0, ScoringParams.defaults().withBurnUid(3).withTasks(
          Map.of("zk-proof/c", new ScoringParams.TaskParams(0, java.time.Duration.ofSeconds(10)),
              "llm/reference-lm", ScoringParams.TaskParams.throughput(12.5)))),
      new TaskWeightsChanged(1, Map.of("llm/reference-lm", 0.7, "embeddings/x", 0.3), "config"),
      new CapacityDeclared(1_699_200_000_100L, 472_000, "5Fhot", "llm/reference-lm", 12_000, 8),
      new RequestOutcome(1_700_000_000_123L, 1_700_000_000_000L, 472_222, "5Fhot",
          "llm/reference-lm", "ans-1", Outcome.SUCCESS, 512, 431, 2.718281828459045, true, 1.0),
      new RequestOutcome(1_700_000_000_456L, 1_700_000_000_450L, 472_222, "5Fhot",
          "llm/reference-lm", "ans-2", Outcome.RATE_LIMITED, 128, 0, 0.004, false, null),
      new RequestOutcome(1_700_000_000_789L, 1_700_000_000_001L, 472_222, "5Fhot",
          "llm/reference-lm", "ans-3", Outcome.ABANDONED, 128, 7, 0.788, false, null),
      new QualityChecked(1_700_000_001_000L, "5Fhot", "llm/reference-lm", "ans-1", -0.25),
      new ScoringEvent.CheckFailed(1_700_000_002_000L, "5Fhot", "llm/reference-lm", "ans-4",
          ScoringEvent.CheckFailed.Cause.SERVICE),
      new ScoringEvent.TestPlanned(1_700_000_900_000L, 472_222, "llm/reference-lm", 0.04,
          1_700_000_756_000L, 1_700_000_900_000L, 480.0, null),
      new ScoringEvent.TestShortfall(1_700_000_900_000L, 472_222, "5Fhot", "llm/reference-lm",
          40, Outcome.RATE_LIMITED, "not sent before the test window ended"),
      new ScoringEvent.UidsChanged(3, Map.of("5Fhot", 12)),
      new TaskWeightsChanged(2, Map.of("llm/reference-lm", 1.0), "api:ops"));

  @Test
  void checkingServerEvents_readAsTheScoringEvents() {
    // The checking server writes these two events; this pins both sides of that contract.
    assertThat(EventLog.fromJson(io.assay.checking.CheckingStreams.qualityChecked("ans-1",
        "5Fhot", "llm/reference-lm", -0.25, 1_700_000_001_000L))).isEqualTo(MIXED.get(6));
    assertThat(EventLog.fromJson(io.assay.checking.CheckingStreams.checkFailed("ans-4", "5Fhot",
        "llm/reference-lm", true, 1_700_000_002_000L))).isEqualTo(MIXED.get(7));
    assertThat(EventLog.fromJson(io.assay.checking.CheckingStreams.checkFailed("ans-4", "5Fhot",
        "llm/reference-lm", false, 1L))).isEqualTo(new ScoringEvent.CheckFailed(1L, "5Fhot",
        "llm/reference-lm", "ans-4", ScoringEvent.CheckFailed.Cause.ANSWER));
  }

  @Test
  void mixedEvents_roundTripThroughJsonLines() {
    String lines = EventLog.toJsonLines(MIXED);

    assertThat(lines.lines()).hasSize(MIXED.size());
    assertThat(EventLog.fromJsonLines(lines)).isEqualTo(MIXED);
  }

  @Test
  void json_usesTheTypeDiscriminatorAndSnakeCase() {
    assertThat(EventLog.toJson(MIXED.get(4))).isEqualTo("{\"type\":\"request_outcome\","
        + "\"at\":1700000000456,\"assigned_at\":1700000000450,\"period\":472222,"
        + "\"miner\":\"5Fhot\",\"task\":\"llm/reference-lm\",\"answer_id\":\"ans-2\","
        + "\"outcome\":\"rate_limited\",\"estimate\":128,\"units\":0,\"seconds\":0.004,"
        + "\"synthetic\":false,\"check_p\":null}");
    for (ScoringEvent event : MIXED) {
      assertThat(EventLog.toJson(event)).startsWith("{\"type\":\"" + event.type() + "\",");
    }
  }

  @Test
  void doubles_roundTripBitForBit() {
    SplittableRandom random = new SplittableRandom(42);
    List<Double> values = new ArrayList<>(List.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.MIN_NORMAL, 0.1 + 0.2, 1.0 / 3, StrictMath.pow(2, -1074 + 52), 4.9e-324 * 3));
    while (values.size() < 2000) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(d)) {
        values.add(d);
      }
      values.add(random.nextDouble());
    }
    List<ScoringEvent> events = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      double d = values.get(i);
      events.add(new QualityChecked(i, "m", "t", "a" + i, d));
      events.add(new RequestOutcome(i, i, 0, "m", "t", "a" + i, Outcome.SUCCESS, 1, 1,
          Math.abs(d), false, null));
      events.add(new TaskWeightsChanged(i, Map.of("t", Math.abs(d)), "file"));
    }

    List<ScoringEvent> read = EventLog.fromJsonLines(EventLog.toJsonLines(events));

    for (int i = 0; i < values.size(); i++) {
      long bits = Double.doubleToRawLongBits(values.get(i));
      long absBits = Double.doubleToRawLongBits(Math.abs(values.get(i)));
      assertThat(Double.doubleToRawLongBits(((QualityChecked) read.get(3 * i)).quality()))
          .isEqualTo(bits);
      assertThat(Double.doubleToRawLongBits(((RequestOutcome) read.get(3 * i + 1)).seconds()))
          .isEqualTo(absBits);
      assertThat(Double.doubleToRawLongBits(
          ((TaskWeightsChanged) read.get(3 * i + 2)).weights().get("t"))).isEqualTo(absBits);
    }
  }

  @Test
  void theParamsEvent_readsBackAsTheSameParameters() {
    ScoringParams p = ((ScoringEvent.ParamsChanged) MIXED.get(0)).params();
    ScoringEvent.ParamsChanged read = (ScoringEvent.ParamsChanged) EventLog.fromJson(
        EventLog.toJson(MIXED.get(0)));
    assertThat(read.params()).isEqualTo(p);
    assertThat(read.sameParams((ScoringEvent.ParamsChanged) MIXED.get(0))).isTrue();
    assertThat(read.sameParams(ScoringEvent.ParamsChanged.of(0, p.withBurnUid(null)))).isFalse();
  }

  @Test
  void taskWeights_areKeptSortedByTask() {
    Map<String, Double> unsorted = new LinkedHashMap<>();
    unsorted.put("zk/b", 0.5);
    unsorted.put("llm/a", 0.5);
    TaskWeightsChanged event = new TaskWeightsChanged(0, unsorted, "config");
    assertThat(event.weights().keySet()).containsExactly("llm/a", "zk/b");
    assertThat(EventLog.toJson(event)).contains("{\"llm/a\":0.5,\"zk/b\":0.5}");
  }

  @Test
  void badLine_isRefusedWithItsLineNumber() {
    String lines = EventLog.toJsonLines(MIXED.subList(0, 2))
        + "{\"type\":\"capacity_declared\",\"at\":1,\"period\":1,\"miner\":\"m\","
        + "\"task\":\"t\",\"declared\":-5,\"concurrency\":1}\n";
    assertThatThrownBy(() -> EventLog.fromJsonLines(lines))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("line 3: not a scoring event");
  }

  @Test
  void impossibleValues_areRefused() {
    assertThatThrownBy(() -> new RequestOutcome(0, 0, 0, "m", "t", "a", Outcome.SUCCESS, 1, 1,
        Double.NaN, false, null)).hasMessageContaining("seconds");
    assertThatThrownBy(() -> new RequestOutcome(0, 0, 0, "m", "t", "a", Outcome.SUCCESS, 1, 1,
        1, false, 0.0)).hasMessageContaining("check_p");
    assertThatThrownBy(() -> new ScoringEvent.TestShortfall(0, 0, "m", "t", 5, Outcome.SUCCESS,
        "x")).hasMessageContaining("rate_limited or failed");
    assertThatThrownBy(() -> new ScoringEvent.TestPlanned(0, 0, "t", 0, 0, 1))
        .hasMessageContaining("fraction");
    assertThatThrownBy(() -> new QualityChecked(0, "m", "t", "a", Double.POSITIVE_INFINITY))
        .hasMessageContaining("quality must be finite");
    assertThatThrownBy(() -> new TaskWeightsChanged(0, Map.of("t", -0.1), "api:ops"))
        .hasMessageContaining("task weight must be finite and >= 0, was -0.1 for task t");
  }
}
