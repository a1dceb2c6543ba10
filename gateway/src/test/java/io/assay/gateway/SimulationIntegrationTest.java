package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.devnet.Simulation;
import io.assay.miner.sim.Behaviour;
import io.assay.miner.sim.MinerSpecs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A time-compressed market with cheaters a validator can catch without checking answers: every
 * honest miner ends with more weight than every overclaiming, slow or flaky one.
 */
class SimulationIntegrationTest {

  @Test
  void honestMiners_outEarnOverclaimingSlowAndFlakyOnes() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Simulation.Result result = Simulation.run(ConfigFiles.load(null, Map.of()),
        MinerSpecs.parse("honest:2,overclaim:1,slow:1,flaky:1"), 8, Duration.ofSeconds(4),
        TestDevnets.tempDir("assay-simulation"),
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    String table = printed.toString(StandardCharsets.UTF_8);

    List<Double> honest = weightsOf(result, Behaviour.HONEST);
    List<Double> cheaters = result.byHotkey().entrySet().stream()
        .filter(e -> e.getValue().behaviour() != Behaviour.HONEST)
        .map(e -> result.report().weights().getOrDefault(e.getKey(), 0.0)).toList();
    assertThat(honest).as(table).hasSize(2);
    assertThat(cheaters).as(table).hasSize(3);
    assertThat(honest.stream().mapToDouble(d -> d).min().orElseThrow()).as(table)
        .isGreaterThan(cheaters.stream().mapToDouble(d -> d).max().orElseThrow());
    assertThat(table).contains("honest-1", "overclaim-1", "slow-1", "flaky-1");
  }

  private static List<Double> weightsOf(Simulation.Result result, Behaviour behaviour) {
    return result.byHotkey().entrySet().stream()
        .filter(e -> e.getValue().behaviour() == behaviour)
        .map(e -> result.report().weights().getOrDefault(e.getKey(), 0.0)).toList();
  }
}
