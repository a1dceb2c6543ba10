package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scoring constants are checked once, each refusal naming its configuration key. */
class ScoringParamsTest {

  private static ScoringParams with(Duration grace, double k, Integer burn) {
    ScoringParams d = ScoringParams.defaults();
    return new ScoringParams(d.period(), grace, d.qualityWindow(), d.minAnswers(),
        d.qualityThreshold(), d.qualityExponent(), d.qualityMin(), d.bonusSpan(),
        d.volumeWindow(), d.halfLifePeriods(), d.establishedPeriods(), d.newMinerMultiplier(), k,
        d.streamTtftMax(), d.zkRecent(), burn, d.tasks());
  }

  @Test
  void theDefaults_areScoringMdVersion2() {
    ScoringParams d = ScoringParams.defaults();
    assertThat(d.period()).isEqualTo(Duration.ofMinutes(60));
    assertThat(d.declarationGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(d.volumePeriods()).isEqualTo(72);
    assertThat(d.halfLifePeriods()).isEqualTo(6);
    assertThat(d.taskExponent()).isEqualTo(1.5);
    assertThat(d.bonusSpan()).isEqualTo(1.0);
    assertThat(d.qualityMin()).isEqualTo(0.5);
  }

  @Test
  void aGraceThatLeavesNoRoomForAnEightyPercentWindow_isRefused() {
    assertThat(with(Duration.ofMinutes(12), 1.5, null).declarationGrace())
        .isEqualTo(Duration.ofMinutes(12));
    assertThatThrownBy(() -> with(Duration.ofMinutes(13), 1.5, null))
        .hasMessageStartingWith("scoring.declaration_grace = PT13M: expected");
  }

  @Test
  void badValues_areRefusedNamingTheirKey() {
    assertThatThrownBy(() -> with(Duration.ofMinutes(2), 0.5, null))
        .hasMessageStartingWith("scoring.task_exponent = 0.5");
    assertThatThrownBy(() -> with(Duration.ofMinutes(2), 1.5, 70_000))
        .hasMessageStartingWith("weights.burn_uid = 70000");
    assertThatThrownBy(() -> new ScoringParams.TaskParams(-1, null))
        .hasMessageStartingWith("stream.min_rate = -1.0");
  }

  @Test
  void aCompressedClock_keepsEveryWindowInPeriods_andTheFirstWorkAllowanceAtThreeSeconds() {
    ScoringParams c = ScoringParams.defaults().compressed(Duration.ofSeconds(20));
    assertThat(c.period()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.volumePeriods()).isEqualTo(72);
    assertThat(c.declarationGrace()).isEqualTo(Duration.ofMillis(666));
    assertThat(c.streamTtftMax()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.qualityWindow()).isEqualTo(Duration.ofSeconds(20 * 24 * 5));
  }

  @Test
  void anUnknownTask_isScoredByThroughputWithNoMinimumRate() {
    ScoringParams p = ScoringParams.defaults().withTasks(Map.of("zk-proof/c",
        new ScoringParams.TaskParams(0, Duration.ofSeconds(10))));
    assertThat(p.task("zk-proof/c").responseTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.task("llm/x")).isEqualTo(ScoringParams.TaskParams.throughput(0));
  }
}
