package io.assay.task.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskContracts;
import io.assay.task.Task;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The built-in generator's requests are recognisable by their content (what a "detector" miner
 * does in the market simulation); users' requests are not taken for them.
 */
class GeneratorRecognitionTest {

  private static final LlmKind KIND = new LlmKind();
  private static final Task TASK = KIND.bind(new TaskSpec("llm", "reference-lm", 1_000_000, 64));
  private static final SyntheticGenerator GENERATOR = TASK.syntheticGenerator();

  @Test
  void everythingTheGeneratorMakes_isProduced_overManySeeds() {
    TaskContracts.assertRecognisesAllItMakes(GENERATOR);
  }

  @Test
  void generatedContent_staysProduced_withAUsersParametersAndAFreshSeed() {
    LlmRequest user = parse(LlmRequest.CHAT_PATH, """
        {"model":"reference-lm","messages":[{"role":"user","content":"Hi! Who are you?"}],
         "temperature":0.2,"max_tokens":900,"seed":3}""");
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      TaskRequest generated = GENERATOR.next(random);
      assertThat(GENERATOR.produced(TASK.reshape(generated, user, random))).isTrue();
      assertThat(GENERATOR.produced(TASK.reseed(generated, random))).isTrue();
      assertThat(GENERATOR.produced(TASK.reshape(user, generated, random))).isFalse();
    }
  }

  @Test
  void usersRequests_areNotProduced() {
    List<LlmRequest> users = List.of(
        parse(LlmRequest.CHAT_PATH, """
            {"model":"reference-lm","messages":[
              {"role":"user","content":"Tell me about the weather."}]}"""),
        // One of the generator's questions word for word, but alone: it never asks just one.
        parse(LlmRequest.CHAT_PATH, """
            {"model":"reference-lm","stream":true,"seed":7,"max_tokens":60,"messages":[
              {"role":"user","content":"Give me three tips on cooking pasta."}]}"""),
        parse(LlmRequest.CHAT_PATH, """
            {"model":"reference-lm","messages":[
              {"role":"system","content":"You are a helpful assistant."},
              {"role":"user","content":"How do I make a sourdough starter from scratch?"}]}"""),
        parse(LlmRequest.CHAT_PATH, """
            {"model":"reference-lm","messages":[
              {"role":"user","content":"Can you tell me about cooking pasta?"},
              {"role":"assistant","content":"Boil salted water, then add the pasta."},
              {"role":"user","content":"How long for spaghetti?"}]}"""),
        parse(LlmRequest.CHAT_PATH, """
            {"model":"reference-lm","messages":[
              {"role":"system","content":"You translate English to French."},
              {"role":"user","content":"Can you tell me about saving money?"}]}"""),
        parse(LlmRequest.CHAT_PATH, """
            {"model":"reference-lm","messages":[
              {"role":"user","content":"Explain saving money simply. Use an example."}]}"""),
        parse(LlmRequest.COMPLETIONS_PATH, """
            {"model":"reference-lm","prompt":"The best way to learn to cook is"}"""),
        parse(LlmRequest.COMPLETIONS_PATH, """
            {"model":"reference-lm","prompt":"def fibonacci(n):\\n    \\"\\"\\"Return the"}"""),
        parse(LlmRequest.COMPLETIONS_PATH, """
            {"model":"reference-lm","prompt":"Explain cooking pasta simply. Then list tools."}"""));
    for (LlmRequest r : users) {
      assertThat(GENERATOR.produced(r)).as("%s", r).isFalse();
    }
  }

  @Test
  void requestsOfAnotherKind_areNotProduced() {
    assertThat(GENERATOR.produced(TaskContracts.anotherKindsRequest("/v1/embeddings", "reference-lm")))
        .isFalse();
  }

  private static LlmRequest parse(String path, String json) {
    return (LlmRequest) KIND.parseRequest(path, json.getBytes(StandardCharsets.UTF_8));
  }
}
