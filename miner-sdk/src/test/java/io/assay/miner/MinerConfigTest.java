package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.miner.sim.Behaviour;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MinerConfigTest {

  private static final String BASE = """
      name: m
      accept_validators: ["*"]
      tasks:
        - kind: echo
          model: echo-1
      """;

  @Test
  void theShippedExample_isValid_andOffersEveryKind() {
    Path file = Path.of("../config/miner.yaml");
    MinerConfig config = MinerConfig.read(ConfigNode.load(file, Map.of()),
        file.toAbsolutePath().getParent());
    assertThat(config.tasks()).extracting(MinerConfig.TaskConfig::kind)
        .contains("llm", "embeddings", "image", "zk-proof");
  }

  @Test
  void metricsToken_isReadFromTheFileOrTheEnvironment_andBlankMeansLoopbackOnly() {
    assertThat(read(BASE, Map.of()).metricsToken()).isNull();
    assertThat(read(BASE + "metrics_token: s3cret\n", Map.of()).metricsToken())
        .isEqualTo("s3cret");
    assertThat(read(BASE, Map.of("ASSAY_METRICS_TOKEN", "env")).metricsToken())
        .isEqualTo("env");
    assertThat(read(BASE + "metrics_token: s3cret\n", Map.of()).withBehaviour(Behaviour.SLOW)
        .metricsToken()).isEqualTo("s3cret");
  }

  @Test
  void behaviour_defaultsToHonest() {
    assertThat(read(BASE, Map.of()).behaviour()).isEqualTo(Behaviour.HONEST);
  }

  @Test
  void behaviour_isReadByItsId() {
    assertThat(read(BASE + "behaviour: random-output\n", Map.of()).behaviour())
        .isEqualTo(Behaviour.RANDOM_OUTPUT);
  }

  @Test
  void behaviour_canBeSetFromTheEnvironment() {
    assertThat(read(BASE, Map.of("ASSAY_BEHAVIOUR", "slow")).behaviour())
        .isEqualTo(Behaviour.SLOW);
  }

  @Test
  void unknownBehaviour_isRefusedNamingTheKeyAndTheValidIds() {
    assertThatThrownBy(() -> read(BASE + "behaviour: cheat\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config key 'behaviour': unknown behaviour 'cheat'")
        .hasMessageContaining("honest, overclaim, slow, flaky, random-output, other-model");
  }

  @Test
  void withBehaviour_changesOnlyTheBehaviour() {
    MinerConfig honest = read(BASE, Map.of());
    MinerConfig flaky = honest.withBehaviour(Behaviour.FLAKY);
    assertThat(flaky.behaviour()).isEqualTo(Behaviour.FLAKY);
    assertThat(flaky.withBehaviour(Behaviour.HONEST)).isEqualTo(honest);
  }

  private static MinerConfig read(String yaml, Map<String, String> env) {
    return MinerConfig.read(ConfigNode.parse(yaml, env), Path.of("/tmp"));
  }
}
