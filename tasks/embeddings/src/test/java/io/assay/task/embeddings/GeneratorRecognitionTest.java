package io.assay.task.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskContracts;
import io.assay.task.TaskRequest;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The built-in generator's requests are recognisable by their texts (what a "detector" miner
 * does in the market simulation); users' requests are not taken for them.
 */
class GeneratorRecognitionTest {

  private static final SyntheticGenerator GENERATOR = Fixtures.TASK.syntheticGenerator();

  @Test
  void everythingTheGeneratorMakes_isProduced_overManySeeds() {
    TaskContracts.assertRecognisesAllItMakes(GENERATOR);
  }

  @Test
  void generatedTexts_stayProduced_inAUsersBatchSizeAndFormat() {
    EmbeddingsRequest user = Fixtures.parse("""
        {"model":"all-MiniLM-L6-v2","input":["a","b","c","d","e","f","g","h","i","j","k","l",
         "m","n","o","p","q","r","s","t","u","v","w","x"],"encoding_format":"base64"}""");
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      TaskRequest generated = GENERATOR.next(random);
      assertThat(GENERATOR.produced(Fixtures.TASK.reshape(generated, user, random))).isTrue();
      assertThat(GENERATOR.produced(Fixtures.TASK.reshape(user, generated, random))).isFalse();
    }
  }

  @Test
  void usersRequests_areNotProduced() {
    List<String> bodies = List.of(
        """
        {"model":"all-MiniLM-L6-v2","input":["How do I reset my password?","Forgot my login"]}""",
        """
        {"model":"all-MiniLM-L6-v2","input":"What is the difference between machine learning\
         and deep learning?"}""",
        """
        {"model":"all-MiniLM-L6-v2","input":["best waterproof running shoes for trail",
         "cheap flights lisbon march"]}""",
        """
        {"model":"all-MiniLM-L6-v2","input":["2024-11-02 13:45:10,221 ERROR\
         [main] o.a.k.clients.NetworkClient - Connection to node -1 could not be established."]}""",
        """
        {"model":"all-MiniLM-L6-v2","input":["SELECT * FROM orders WHERE status = 'open';",
         "def add(a, b):\\n    return a + b"]}""",
        """
        {"model":"all-MiniLM-L6-v2","input":"Absolutely love it. The blender is quiet and the\
         jug is easy to clean. 5 stars.","encoding_format":"base64"}""",
        """
        {"model":"all-MiniLM-L6-v2","input":["Chapter 3. The committee met on Tuesday to\
         discuss the budget, and after a long debate approved the new library."]}""",
        // One generated text in a batch of a user's own is still a user's batch.
        """
        {"model":"all-MiniLM-L6-v2","input":["Can you explain remote work to a beginner?",
         "my own notes on remote work"]}""");
    for (String body : bodies) {
      EmbeddingsRequest r = Fixtures.parse(body);
      assertThat(GENERATOR.produced(r)).as("%s", r.input()).isFalse();
    }
  }

  @Test
  void requestsOfAnotherKind_areNotProduced() {
    assertThat(GENERATOR.produced(TaskContracts.anotherKindsRequest("/v1/chat/completions", "all-MiniLM-L6-v2")))
        .isFalse();
  }
}
