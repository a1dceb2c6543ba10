package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskContracts;
import io.assay.task.TaskRequest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Synthetic requests made from others: a replay with a fresh seed, and one request's prompts with
 * another's size, steps, count and format. Every result must reach a miner as a user's would.
 */
class ReseedAndReshapeTest {

  private static final SyntheticGenerator GENERATOR = Fixtures.TASK.syntheticGenerator();
  private static final ImageRequest LIGHTHOUSE = Fixtures.parse("""
      {"prompt":"a red lighthouse at sunset","negative_prompt":"people","n":2,"size":"512x512",
       "seed":7,"response_format":"url","user":"u-3"}""");

  @Test
  void reseed_givesAFreshSeedWithinTheSplitRange_andChangesNothingElse() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      ImageRequest r = (ImageRequest) GENERATOR.next(random);
      ImageRequest again = (ImageRequest) Fixtures.TASK.reseed(r, random);
      assertThat(again.seed()).isNotNull().isNotEqualTo(r.seed())
          .isBetween(0L, ImageTask.RANDOM_SEED_BOUND - 1);
      assertThat(again.withSeed(r.seed())).isEqualTo(r);
    }
  }

  @Test
  void reseed_ofTheLargestSeedAUserMaySend_staysWithinTheSplitRange() {
    ImageRequest huge = LIGHTHOUSE.withSeed(RequestParser.MAX_SEED);
    ImageRequest r = (ImageRequest) Fixtures.TASK.reseed(huge, new SplittableRandom(2));
    assertThat(r.seed()).isLessThan(ImageTask.RANDOM_SEED_BOUND).isNotNegative();
    assertThat(r.user()).isEqualTo("u-3");
  }

  @Test
  void reshape_takesTheContentsPrompts_andTheShapesParameters() {
    ImageRequest shape = Fixtures.parse("""
        {"prompt":"anything","size":"768x512","steps":12,"n":3,"guidance_scale":4.5,
         "seed":99,"user":"someone"}""");
    ImageRequest r = (ImageRequest) Fixtures.TASK.reshape(LIGHTHOUSE, shape,
        new SplittableRandom(3));
    assertThat(r.prompt()).isEqualTo("a red lighthouse at sunset");
    assertThat(r.negativePrompt()).isEqualTo("people");
    assertThat(r.size()).isEqualTo(new ImageSize(768, 512));
    assertThat(r.steps()).isEqualTo(12);
    assertThat(r.n()).isEqualTo(3);
    assertThat(r.guidanceScale()).isEqualTo(4.5);
    assertThat(r.responseFormat()).isEqualTo(ImageRequest.B64_JSON);
    assertThat(r.seed()).isNotNull().isNotEqualTo(99L).isNotEqualTo(7L)
        .isLessThan(ImageTask.RANDOM_SEED_BOUND);
    assertThat(r.user()).isNull();
  }

  @Test
  void reshape_withAShapeThatLeavesChoicesToTheModel_leavesThemToo() {
    ImageRequest shape = Fixtures.parse("""
        {"prompt":"anything","response_format":"url"}""");
    ImageRequest r = (ImageRequest) Fixtures.TASK.reshape(LIGHTHOUSE, shape,
        new SplittableRandom(4));
    assertThat(r.seed()).isNull();
    assertThat(r.size()).isNull();
    assertThat(r.steps()).isNull();
    assertThat(r.guidanceScale()).isNull();
    assertThat(r.n()).isEqualTo(1);
    assertThat(r.wantsUrl()).isTrue();
  }

  @Test
  void reseededAndReshapedRequests_reachMinersAsValidRequests_overManySeeds() {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      ImageRequest content = random.nextInt(4) == 0 ? LIGHTHOUSE
          : (ImageRequest) GENERATOR.next(random);
      ImageRequest shape = random.nextBoolean() ? userShape(random)
          : (ImageRequest) GENERATOR.next(random);
      ImageRequest r = (ImageRequest) Fixtures.TASK.reshape(content, shape, random);
      assertThat(r.seed() != null).isEqualTo(shape.seed() != null);
      assertThat(r.n()).isEqualTo(shape.n());
      assertReachesMinersUnchanged(r);
      assertReachesMinersUnchanged((ImageRequest) Fixtures.TASK.reseed(r, random));
      assertReachesMinersUnchanged((ImageRequest) Fixtures.TASK.reseed(shape, random));
    }
  }

  @Test
  void anotherKindsRequest_isRefused() {
    TaskContracts.assertRefusesAnotherKind(Fixtures.TASK, LIGHTHOUSE,
        TaskContracts.anotherKindsRequest("/v1/embeddings", "m"));
  }

  /**
   * Every part's miner body parses back to that part: same prompts, size, steps and seed, and an
   * edit's pictures (the generator makes edits once it has drawn pictures for them).
   */
  private static void assertReachesMinersUnchanged(ImageRequest r) {
    assertThat(Fixtures.TASK.estimateUnits(r)).isPositive();
    List<TaskRequest> parts = Fixtures.TASK.split(r);
    assertThat(parts).hasSize(r.n());
    for (TaskRequest p : parts) {
      ImageRequest part = Fixtures.TASK.resolve((ImageRequest) p);
      ImageRequest atMiner = (ImageRequest) Fixtures.KIND.parseRequest(part.path(),
          Fixtures.TASK.minerContentType(part), Fixtures.TASK.minerRequestBody(part));
      assertThat(atMiner.edit()).isEqualTo(part.edit());
      assertThat(atMiner.prompt()).isEqualTo(r.prompt());
      assertThat(atMiner.negativePrompt()).isEqualTo(r.negativePrompt());
      assertThat(atMiner.size()).isEqualTo(part.size());
      assertThat(atMiner.steps()).isEqualTo(part.steps());
      assertThat(atMiner.seed()).isEqualTo(part.seed());
      assertThat(atMiner.guidanceScale()).isEqualTo(part.guidanceScale());
    }
  }

  /** A valid request as any client might send it, every choice anywhere in its range. */
  private static ImageRequest userShape(SplittableRandom random) {
    ObjectNode body = Json.MAPPER.createObjectNode().put("prompt", "a quick sketch");
    if (random.nextBoolean()) {
      body.put("n", 1 + random.nextInt(RequestParser.MAX_N));
    }
    if (random.nextBoolean()) {
      List<ImageSize> sizes = ImageLimits.REFERENCE.sizes();
      body.put("size", sizes.get(random.nextInt(sizes.size())).toString());
    }
    if (random.nextBoolean()) {
      body.put("steps", 1 + random.nextInt(ImageLimits.REFERENCE.maxSteps()));
    }
    if (random.nextBoolean()) {
      body.put("seed", random.nextLong(Long.MIN_VALUE, RequestParser.MAX_SEED));
    }
    if (random.nextBoolean()) {
      body.put("guidance_scale", random.nextInt(301) / 10.0);
    }
    if (random.nextBoolean()) {
      body.put("response_format", random.nextBoolean() ? "url" : "b64_json");
    }
    return Fixtures.parse(body.toString());
  }
}
