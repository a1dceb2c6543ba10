package io.assay.task.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskContracts;
import io.assay.task.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A proof request is all content: a replay and a reshaped request are the request itself, and
 * split gives each its own nonce on the way to a miner.
 */
class ReseedAndReshapeTest {

  private static final ZkKind KIND = new ZkKind();
  private static final Task TASK = KIND.bind(new TaskSpec(ZkKind.NAME, "timeseries-mlp-bn128",
      1000, 3));
  private static final SyntheticGenerator GENERATOR = TASK.syntheticGenerator();
  private static final ZkRequest USERS = parse("""
      {"circuit":"timeseries-mlp-bn128","input":{"series":[12.5,13.1,13.75,14.2,15]}}""");

  @Test
  void reseed_andReshape_returnTheContentAsItIs() {
    SplittableRandom random = new SplittableRandom(1);
    ZkRequest generated = (ZkRequest) GENERATOR.next(random);
    assertThat(TASK.reseed(USERS, random)).isSameAs(USERS);
    assertThat(TASK.reshape(USERS, generated, random)).isSameAs(USERS);
    assertThat(TASK.reshape(generated, USERS, random)).isSameAs(generated);
  }

  @Test
  void reseededAndReshapedRequests_reachMinersWithFreshNonces_overManySeeds() {
    for (long seed = 0; seed < 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      ZkRequest content = random.nextInt(4) == 0 ? USERS : (ZkRequest) GENERATOR.next(random);
      ZkRequest shape = (ZkRequest) GENERATOR.next(random);
      ZkRequest sent = (ZkRequest) TASK.split(TASK.reshape(content, shape, random)).get(0);
      ZkRequest replayed = (ZkRequest) TASK.split(TASK.reseed(sent, random)).get(0);
      assertThat(replayed.nonce()).isNotNull().isNotEqualTo(sent.nonce());
      for (ZkRequest r : List.of(sent, replayed)) {
        ZkRequest atMiner = (ZkRequest) KIND.parseRequest(ZkRequest.PATH,
            TASK.minerRequestBody(r));
        assertThat(atMiner.inputSignals()).isEqualTo(content.inputSignals());
        assertThat(atMiner.nonce()).isEqualTo(r.nonce());
        assertThat(TASK.estimateUnits(r)).isEqualTo(r.circuit().workUnits());
      }
    }
  }

  @Test
  void anotherKindsRequest_isRefused() {
    TaskContracts.assertRefusesAnotherKind(TASK, USERS,
        TaskContracts.anotherKindsRequest("/v1/embeddings", "m"));
  }

  static ZkRequest parse(String json) {
    return (ZkRequest) KIND.parseRequest(ZkRequest.PATH, json.getBytes(StandardCharsets.UTF_8));
  }
}
