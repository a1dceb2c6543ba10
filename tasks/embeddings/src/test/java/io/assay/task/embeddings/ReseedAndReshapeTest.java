package io.assay.task.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskContracts;
import io.assay.task.TaskRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Synthetic requests made from others: a replay (embeddings have no seed), and one request's
 * texts in another's batch size and format. Every result must reach a miner as a user's would.
 */
class ReseedAndReshapeTest {

  private static final SyntheticGenerator GENERATOR = Fixtures.TASK.syntheticGenerator();
  private static final EmbeddingsRequest THREE = Fixtures.parse("""
      {"model":"all-MiniLM-L6-v2","input":["How do I reset my password?","Forgot my login",
       "Where is my invoice for March?"],"user":"u-9"}""");

  @Test
  void reseed_returnsTheRequestAsItIs() {
    assertThat(Fixtures.TASK.reseed(THREE, new SplittableRandom(1))).isSameAs(THREE);
  }

  @Test
  void reshape_cyclesTheContentsTexts_intoALargerBatch() {
    EmbeddingsRequest shape = Fixtures.parse("""
        {"model":"all-MiniLM-L6-v2","input":["a","b","c","d","e","f","g"],
         "encoding_format":"base64","dimensions":384,"user":"someone"}""");
    EmbeddingsRequest r = (EmbeddingsRequest) Fixtures.TASK.reshape(THREE, shape,
        new SplittableRandom(2));
    assertThat(r.input()).containsExactly("How do I reset my password?", "Forgot my login",
        "Where is my invoice for March?", "How do I reset my password?", "Forgot my login",
        "Where is my invoice for March?", "How do I reset my password?");
    assertThat(r.encodingFormat()).isEqualTo(EmbeddingsRequest.BASE64);
    assertThat(r.dimensions()).isEqualTo(384);
    assertThat(r.user()).isNull();
    assertThat(r.model()).isEqualTo(THREE.model());
  }

  @Test
  void reshape_cutsTheContentsTexts_toASmallerBatch() {
    EmbeddingsRequest shape = Fixtures.parse("""
        {"model":"all-MiniLM-L6-v2","input":"just one"}""");
    EmbeddingsRequest r = (EmbeddingsRequest) Fixtures.TASK.reshape(THREE, shape,
        new SplittableRandom(3));
    assertThat(r.input()).containsExactly("How do I reset my password?");
    assertThat(r.encodingFormat()).isEqualTo(EmbeddingsRequest.FLOAT);
    assertThat(r.dimensions()).isNull();
  }

  @Test
  void reseededAndReshapedRequests_reachAMinerAsValidRequests_overManySeeds() {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      EmbeddingsRequest content = random.nextInt(4) == 0 ? THREE
          : (EmbeddingsRequest) GENERATOR.next(random);
      EmbeddingsRequest shape = random.nextBoolean() ? userShape(random)
          : (EmbeddingsRequest) GENERATOR.next(random);
      EmbeddingsRequest r = (EmbeddingsRequest) Fixtures.TASK.reshape(content, shape, random);
      assertThat(r.input()).hasSameSizeAs(shape.input());
      assertThat(content.input()).containsAll(r.input());
      assertThat(r.encodingFormat()).isEqualTo(shape.encodingFormat());
      assertThat(r.dimensions()).isEqualTo(shape.dimensions());
      assertReachesAMinerUnchanged(r);
      assertReachesAMinerUnchanged((EmbeddingsRequest) Fixtures.TASK.reseed(r, random));
    }
  }

  @Test
  void anotherKindsRequest_isRefused() {
    TaskContracts.assertRefusesAnotherKind(Fixtures.TASK, THREE,
        TaskContracts.anotherKindsRequest("/v1/chat/completions", "m"));
  }

  private static void assertReachesAMinerUnchanged(EmbeddingsRequest r) {
    assertThat(Fixtures.TASK.estimateUnits(r)).isPositive();
    List<TaskRequest> parts = Fixtures.TASK.split(r);
    assertThat(parts).hasSize(1);
    EmbeddingsRequest atMiner = (EmbeddingsRequest) Fixtures.KIND.parseRequest(
        EmbeddingsRequest.PATH, Fixtures.TASK.minerRequestBody(parts.get(0)));
    assertThat(atMiner.input()).isEqualTo(r.input());
    assertThat(atMiner.model()).isEqualTo(r.model());
  }

  /** A user's request of 1 to 200 short texts, in either format, sometimes naming 384. */
  private static EmbeddingsRequest userShape(SplittableRandom random) {
    int size = 1 + random.nextInt(200);
    List<String> input = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      input.add("document " + i);
    }
    return new EmbeddingsRequest(EmbeddingsRequest.PATH, MiniLmEngine.MODEL_ID, input,
        random.nextBoolean() ? EmbeddingsRequest.FLOAT : EmbeddingsRequest.BASE64,
        random.nextInt(4) == 0 ? MiniLmEngine.DIMENSION : null, "user-" + random.nextInt(1000));
  }
}
