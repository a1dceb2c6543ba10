package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskContracts;
import io.assay.task.TaskRequest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The built-in generator's requests are recognisable by their prompts (what a "detector" miner
 * does in the market simulation); users' requests are not taken for them.
 */
class GeneratorRecognitionTest {

  private static final SyntheticGenerator GENERATOR = Fixtures.TASK.syntheticGenerator();

  @Test
  void everythingTheGeneratorMakes_isProduced_overManySeeds() {
    TaskContracts.assertRecognisesAllItMakes(GENERATOR);
  }

  @Test
  void generatedPrompts_stayProduced_withAUsersParametersAndAFreshSeed() {
    ImageRequest user = Fixtures.parse("""
        {"prompt":"portrait of my grandmother, oil on canvas","n":3,"size":"768x768",
         "steps":40,"seed":12,"response_format":"url"}""");
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      TaskRequest generated = GENERATOR.next(random);
      assertThat(GENERATOR.produced(Fixtures.TASK.reshape(generated, user, random))).isTrue();
      assertThat(GENERATOR.produced(Fixtures.TASK.reseed(generated, random))).isTrue();
      assertThat(GENERATOR.produced(Fixtures.TASK.reshape(user, generated, random))).isFalse();
    }
  }

  @Test
  void usersRequests_areNotProduced() {
    List<String> bodies = List.of(
        """
        {"prompt":"a red lighthouse at sunset","n":2,"size":"512x512","seed":7}""",
        """
        {"prompt":"portrait of a young woman with freckles, soft window light, 85mm"}""",
        """
        {"prompt":"A cat wearing a tiny crown, sitting on a velvet cushion, oil painting"}""",
        """
        {"prompt":"logo for a coffee shop called Bean There, flat, two colours"}""",
        """
        {"prompt":"isometric view of a cozy bedroom with plants"}""",
        // The generator's own prompt, but with a negative prompt it would not write.
        """
        {"prompt":"a dragon","negative_prompt":"no people, no buildings"}""",
        """
        {"prompt":"an owl in a misty forest at night, digital art, very detailed"}""");
    for (String body : bodies) {
      ImageRequest r = Fixtures.parse(body);
      assertThat(GENERATOR.produced(r)).as("%s", r).isFalse();
    }
  }

  @Test
  void requestsOfAnotherKind_areNotProduced() {
    assertThat(GENERATOR.produced(TaskContracts.anotherKindsRequest("/v1/embeddings", "reference-image")))
        .isFalse();
  }
}
