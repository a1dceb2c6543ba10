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
 * A time-compressed market with cheaters caught by outcomes and speed: overclaiming, slow and
 * flaky miners each end with less weight than the honest miners earn on average.
 *
 * <p>Why the average and not every honest miner: honest miners are equally fast, so SCORING.md's
 * speed-rank bonus (+0.25 for the fastest ... -0.25 for the slowest) orders them by measurement
 * noise, and the task exponent k = 4 turns that into weight ratios of up to (1.25/0.75)^4. A flaky
 * miner whose capacity is used up loses only its failure share (0.7^4), so it can outrank the
 * unluckier honest miner in a short run. The cheaters must still lose to honest work overall.
 */
class SimulationIntegrationTest {

  @Test
  void overclaimingSlowAndFlakyMiners_earnLessThanHonestOnes() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    // Outcomes and speed only: a checking server competing for the same two cores would make
    // the measured speeds mostly queueing noise. The behaviours are the same for every kind, so
    // the two cheapest kinds show them in the time a test has.
    Simulation.Result result = Simulation.run(
        ConfigFiles.load(null, Map.of("ASSAY_CHECKING_EMBEDDED", "false"))
            .withTasksOf(java.util.Set.of("llm", "embeddings")),
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
    double honestAverage = honest.stream().mapToDouble(d -> d).average().orElseThrow();
    assertThat(cheaters).as(table).allSatisfy(w -> assertThat(w).isLessThan(honestAverage));
    assertThat(table).contains("honest-1", "overclaim-1", "slow-1", "flaky-1");
  }

  private static List<Double> weightsOf(Simulation.Result result, Behaviour behaviour) {
    return result.byHotkey().entrySet().stream()
        .filter(e -> e.getValue().behaviour() == behaviour)
        .map(e -> result.report().weights().getOrDefault(e.getKey(), 0.0)).toList();
  }
}
