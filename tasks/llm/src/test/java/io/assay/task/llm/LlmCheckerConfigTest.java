package io.assay.task.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The llm checker's thresholds, as an operator sets them under checking.checkers.llm. */
class LlmCheckerConfigTest {

  @Test
  void noSettings_areTheDefaults() {
    assertThat(LlmCheckerConfig.read(settings("{}", Map.of())))
        .isEqualTo(LlmCheckerConfig.defaults());
  }

  @Test
  void everyThreshold_canBeSet_andTheEnvironmentOverridesTheFile() {
    LlmCheckerConfig config = LlmCheckerConfig.read(settings("""
        {"top_k": [{"max_temperature": 0.5, "k": 3}, {"k": 30}],
         "tail_mass": 0.01, "allowed_failures": 4, "allowed_failure_fraction": 0.1,
         "fabricated_fraction": 0.6, "max_stop_hazard": 9, "min_end_probability": 0.001,
         "fine_positions": 8, "logprob_scale": 0.25, "replay_tolerance": 0.2}""",
        Map.of("ASSAY_CHECKING_CHECKERS_LLM_FINE_POSITIONS", "3")));
    assertThat(config.topK()).containsExactly(new LlmCheckerConfig.RankTier(0.5, 3),
        new LlmCheckerConfig.RankTier(Double.POSITIVE_INFINITY, 30));
    assertThat(config.k(0.2)).isEqualTo(3);
    assertThat(config.k(1.9)).isEqualTo(30);
    assertThat(config.tailMass()).isEqualTo(0.01);
    assertThat(config.allowedFailures()).isEqualTo(4);
    assertThat(config.maxStopHazard()).isEqualTo(9);
    assertThat(config.finePositions()).isEqualTo(3);
    assertThat(config.logprobScale()).isEqualTo(0.25);
  }

  @Test
  void badSettings_nameTheKey() {
    assertThatThrownBy(() -> LlmCheckerConfig.read(settings("{\"tail_mass\": 2}", Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.checkers.llm.tail_mass");
    assertThatThrownBy(() -> LlmCheckerConfig.read(settings("{\"tailmass\": 0.1}", Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("checking.checkers.llm.tailmass");
    assertThatThrownBy(() -> LlmCheckerConfig.read(settings(
        "{\"top_k\": [{\"max_temperature\": 1, \"k\": 5}, {\"max_temperature\": 0.5, \"k\": 9}]}",
        Map.of()))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("checking.checkers.llm.top_k");
  }

  @Test
  void theKind_buildsItsCheckersWithTheSettings() {
    var settings = settings("{\"fine_positions\": 2}", Map.of());
    assertThat(new LlmKind().referenceChecker(LlmCheckerFixtures.SPEC, settings)).isPresent();
    assertThatThrownBy(() -> new LlmKind().referenceChecker(LlmCheckerFixtures.SPEC,
        settings("{\"fine_positions\": 0}", Map.of()))).isInstanceOf(ConfigException.class);
  }

  private static ConfigNode settings(String json, Map<String, String> env) {
    try {
      return ConfigNode.at("checking.checkers.llm", io.assay.task.Json.MAPPER.readTree(json),
          env);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
