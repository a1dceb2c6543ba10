package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.devnet.Simulation;
import io.assay.miner.sim.Behaviour;
import io.assay.miner.sim.MinerSpec;
import io.assay.miner.sim.MinerSpecs;
import io.assay.task.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A time-compressed market on a real gateway, every task of the default configuration, every
 * kind of cheater (SCORING.md section 8): every honest miner's weight is above every cheater's,
 * and the identities of one machine split (sybil) or time-shared (timeshare) earn together no
 * more than an honest machine does (the honest miners' mean). The README records the full run;
 * this one is shorter.
 */
class SimulationIntegrationTest {

  @Test
  void everyHonestMiner_outearnsEveryCheater_andSplitOrSharedMachinesGainNothing()
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Path json = TestDevnets.tempDir("assay-simulation-report").resolve("r.json");
    Simulation.Result result = Simulation.run(ConfigFiles.load(null, Map.of()),
        MinerSpecs.parse("honest:2,overclaim:1,slow:1,flaky:1,random-output:1,other-model:1,"
            + "bad-proof:1,go-dark:1,late:1,detector:1,staller:1,early-stop:1,sybil:2,"
            + "timeshare:2"),
        3, Duration.ofSeconds(20), TestDevnets.tempDir("assay-simulation"),
        new PrintStream(printed, true, StandardCharsets.UTF_8), json);
    String table = printed.toString(StandardCharsets.UTF_8);
    System.out.print(table); // kept in the test report, to see the margins of a passing run

    double lowestHonest = Double.MAX_VALUE;
    double honestSum = 0;
    int honestCount = 0;
    double highestCheater = 0;
    Map<String, Double> byMachine = new java.util.TreeMap<>();
    for (Map.Entry<String, MinerSpec> e : result.byHotkey().entrySet()) {
      double w = result.report().weights().getOrDefault(e.getKey(), 0.0);
      Behaviour b = e.getValue().behaviour();
      if (b == Behaviour.HONEST) {
        lowestHonest = Math.min(lowestHonest, w);
        honestSum += w;
        honestCount++;
      } else if (b == Behaviour.SYBIL || b == Behaviour.TIMESHARE) {
        byMachine.merge(e.getValue().machine(), w, Double::sum);
      } else {
        highestCheater = Math.max(highestCheater, w);
      }
    }
    assertThat(lowestHonest).as(table).isGreaterThan(highestCheater);
    // One machine behind several identities against what one honest machine earns: the honest
    // miners' mean. The two honest miners are the same machine, yet three 20 s periods leave
    // them about 10 % apart by chance (which answers were checked, which test windows fell
    // on them), so the lower of the two is noise, not a bar a fair split must stay under: a
    // timeshare pair once came out 0.2 % above it while 4 % below the mean.
    double honest = honestSum / honestCount;
    assertThat(byMachine).as(table).hasSize(2)
        .allSatisfy((machine, sum) -> assertThat(sum).as(table + machine)
            .isLessThanOrEqualTo(honest));

    JsonNode report = Json.MAPPER.readTree(json.toFile());
    assertThat(report.path("miners")).hasSize(result.byHotkey().size());
    JsonNode first = report.path("miners").get(0);
    assertThat(first.has("name") && first.has("behaviour") && first.has("hotkey")
        && first.has("weight") && first.has("weight_u16")).isTrue();
    JsonNode task = first.path("tasks").elements().next();
    for (String field : new String[] {"declared", "period_score", "quality", "bonus",
        "verified_volume", "task_score"}) {
      assertThat(task.has(field)).as(field).isTrue();
    }
  }
}
