package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScoringParamsTest {

  @Test
  void defaults_areThoseOfScoringMd() {
    assertThat(ScoringParams.defaults()).isEqualTo(new ScoringParams(Duration.ofHours(1),
        Duration.ofDays(5), 50, 0.85, 1.5, 0.30, 0.5, Duration.ofDays(3), 8, 0.25, 0.5, 4));
    assertThat(ScoringParams.defaults().npsPeriods()).isEqualTo(72);
  }

  @Test
  void periodOf_dividesEpochMillisByThePeriod() {
    ScoringParams params = ScoringParams.defaults();
    assertThat(params.periodOf(3_600_000L * 472_222 + 3_599_999)).isEqualTo(472_222);
    assertThat(params.periodOf(3_600_000L * 472_223)).isEqualTo(472_223);
  }

  @Test
  void badValue_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> new ScoringParams(Duration.ofHours(1), Duration.ofDays(5), 50,
        0.85, 1.5, 1.3, 0.5, Duration.ofDays(3), 8, 0.25, 0.5, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("scoring.speed_percentile = 1.3: expected in [0, 1]");
    assertThatThrownBy(() -> new ScoringParams(Duration.ofHours(1), Duration.ofDays(5), 50,
        0.85, 1.5, 0.3, 0.5, Duration.ofMinutes(90), 8, 0.25, 0.5, 4))
        .hasMessageStartingWith("scoring.nps_window = PT1H30M: expected a positive whole number");
  }
}
