package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceModelTest {

  private static final ServiceModel REFERENCE = ServiceModel.reference();

  @Test
  void reference_hasFourSlotsAndTheDocumentedTimes() {
    assertThat(REFERENCE.slots()).isEqualTo(4);
    assertThat(REFERENCE.times("llm")).isEqualTo(new ServiceModel.Times(0.05, 0.01));
    assertThat(REFERENCE.times("embeddings")).isEqualTo(new ServiceModel.Times(0.05, 0.003));
    assertThat(REFERENCE.times("image")).isEqualTo(new ServiceModel.Times(0.1, 0.0002));
    assertThat(REFERENCE.times("zk-proof")).isEqualTo(new ServiceModel.Times(6.0, 0.1));
  }

  @Test
  void seconds_isBasePlusUnitsTimesPerUnit() {
    assertThat(REFERENCE.seconds("llm", 128)).isCloseTo(1.33, within(1e-9));
    assertThat(REFERENCE.seconds("image", 5243)).isCloseTo(1.1486, within(1e-9));
    assertThat(REFERENCE.seconds("zk-proof", 3)).isCloseTo(6.3, within(1e-9));
    assertThat(REFERENCE.seconds("llm", 0)).isCloseTo(0.05, within(1e-12));
  }

  @Test
  void capacityPerPeriod_isTheBusyMachinesThroughputInUnits() {
    // 4 slots x 60 s / 1.33 s per request x 128 tokens
    assertThat(REFERENCE.capacityPerPeriod("llm", 128, Duration.ofSeconds(60)))
        .isEqualTo((long) Math.floor(4 * 60 / 1.33 * 128));
    // 4 x 3600 / 6.3 x 3
    assertThat(REFERENCE.capacityPerPeriod("zk-proof", 3, Duration.ofHours(1)))
        .isEqualTo((long) Math.floor(4 * 3600 / 6.3 * 3));
  }

  @Test
  void slower_multipliesEveryTimeAndDividesCapacity() {
    ServiceModel slow = REFERENCE.slower(3);
    assertThat(slow.slots()).isEqualTo(4);
    for (String kind : REFERENCE.byKind().keySet()) {
      assertThat(slow.seconds(kind, 17)).isCloseTo(3 * REFERENCE.seconds(kind, 17), within(1e-9));
      long honest = REFERENCE.capacityPerPeriod(kind, 50, Duration.ofMinutes(10));
      assertThat(slow.capacityPerPeriod(kind, 50, Duration.ofMinutes(10)))
          .isBetween(honest / 3 - 1, honest / 3 + 1);
    }
    assertThatThrownBy(() -> REFERENCE.slower(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void with_addsOrReplacesOneKind() {
    ServiceModel echo = REFERENCE.with("echo", new ServiceModel.Times(1, 0));
    assertThat(echo.seconds("echo", 100)).isEqualTo(1.0);
    assertThat(echo.times("llm")).isEqualTo(REFERENCE.times("llm"));
    assertThat(REFERENCE.byKind()).doesNotContainKey("echo");
  }

  @Test
  void unknownKind_isRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> REFERENCE.seconds("echo", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'echo'")
        .hasMessageContaining("llm");
  }

  @Test
  void impossibleModels_areRefused() {
    Map<String, ServiceModel.Times> none = Map.of();
    assertThatThrownBy(() -> new ServiceModel(0, none))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServiceModel.Times(0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServiceModel.Times(-1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServiceModel.Times(Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> REFERENCE.capacityPerPeriod("llm", 0, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
