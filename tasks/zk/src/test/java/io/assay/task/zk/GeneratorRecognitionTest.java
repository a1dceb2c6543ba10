package io.assay.task.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskContracts;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in generator's series keep to a grid of odd hundredths (what a "detector" miner tests
 * in the market simulation); users' series rarely do.
 */
class GeneratorRecognitionTest {

  private static final ZkKind KIND = new ZkKind();

  @ParameterizedTest
  @ValueSource(strings = {"timeseries-mlp-bn128", "timeseries-mlp-bls12381"})
  void everythingTheGeneratorMakes_isProduced_andValid_overManySeeds(String circuit) {
    Task task = KIND.bind(new TaskSpec(ZkKind.NAME, circuit, 1000, 3));
    SyntheticGenerator generator = task.syntheticGenerator();
    for (long seed = 0; seed < 2000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < 5; i++) {
        ZkRequest r = (ZkRequest) generator.next(random);
        assertThat(generator.produced(r)).as("%s", r.input()).isTrue();
        ZkRequest sent = (ZkRequest) task.split(r).get(0);
        assertThat(generator.produced(sent)).isTrue();
        ZkRequest atMiner = (ZkRequest) KIND.parseRequest(ZkRequest.PATH,
            task.minerRequestBody(sent));
        assertThat(atMiner.inputSignals()).isEqualTo(r.inputSignals());
        assertThat(generator.produced(atMiner)).isTrue();
      }
    }
  }

  @Test
  void valuesClampedAtTheRangesEnds_stepInsideOntoTheGrid() {
    Task task = KIND.bind(new TaskSpec(ZkKind.NAME, "timeseries-mlp-bn128", 1000, 3));
    SyntheticGenerator generator = task.syntheticGenerator();
    SplittableRandom random = new SplittableRandom(11);
    BigDecimal largest = BigDecimal.ZERO;
    for (int i = 0; i < 20_000; i++) {
      for (var v : ((ZkRequest) generator.next(random)).input().get("series")) {
        largest = largest.max(v.decimalValue().abs());
      }
    }
    // Values clamped at the range's ends (1000 is an even number of hundredths) step inside.
    assertThat(largest).isEqualByComparingTo("999.99");
  }

  @Test
  void usersSeries_areNotProduced() {
    Task task = KIND.bind(new TaskSpec(ZkKind.NAME, "timeseries-mlp-bn128", 1000, 3));
    SyntheticGenerator generator = task.syntheticGenerator();
    List<String> series = List.of(
        "[12.5,13.1,13.75,14.2,15]",
        "[1,2,3,4,5]",
        "[21.3,21.7,22.4,22.1,21.9]",
        "[187.44,188.13,186.97,189.21,190.05]",
        "[0.015,0.017,0.021,0.019,0.023]",
        "[-3.5,-2.25,-1,0.5,2]",
        "[101.25,102.5,103.75,105,106.25]",
        "[999.99,1000,1000,999.99,1000]");
    for (String s : series) {
      ZkRequest r = ReseedAndReshapeTest.parse(
          "{\"circuit\":\"timeseries-mlp-bn128\",\"input\":{\"series\":" + s + "}}");
      assertThat(generator.produced(r)).as(s).isFalse();
    }
  }

  @Test
  void anotherCircuitsOrKindsRequest_isNotProduced() {
    SyntheticGenerator bn = KIND.bind(new TaskSpec(ZkKind.NAME, "timeseries-mlp-bn128", 1000, 3))
        .syntheticGenerator();
    SyntheticGenerator bls = KIND.bind(new TaskSpec(ZkKind.NAME, "timeseries-mlp-bls12381",
        1000, 3)).syntheticGenerator();
    TaskRequest fromBls = bls.next(new SplittableRandom(3));
    assertThat(bls.produced(fromBls)).isTrue();
    assertThat(bn.produced(fromBls)).isFalse();
    assertThat(bn.produced(TaskContracts.anotherKindsRequest("/v1/embeddings",
        "timeseries-mlp-bn128"))).isFalse();
  }
}
