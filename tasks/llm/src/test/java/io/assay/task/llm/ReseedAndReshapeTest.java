package io.assay.task.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskContracts;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Synthetic requests made from others: a replay with a fresh seed, and one request's content with
 * another's parameters. Every result must reach a miner as a user's request would.
 */
class ReseedAndReshapeTest {

  private static final LlmKind KIND = new LlmKind();
  private static final Task TASK = KIND.bind(new TaskSpec("llm", "reference-lm", 1_000_000, 64));
  private static final SyntheticGenerator GENERATOR = TASK.syntheticGenerator();

  private static final LlmRequest CHAT = parse(LlmRequest.CHAT_PATH, """
      {"model":"reference-lm","messages":[
        {"role":"system","content":"You are a terse assistant for a bike shop."},
        {"role":"user","content":"My rear derailleur skips under load. What should I check?"}],
       "temperature":0.3,"max_tokens":200,"seed":-17,"user":"u-1"}""");
  private static final LlmRequest COMPLETION = parse(LlmRequest.COMPLETIONS_PATH, """
      {"model":"reference-lm","prompt":"Once upon a time in a small harbour town,",
       "temperature":1.1,"top_p":0.95,"max_tokens":64,"logprobs":2,"stop":["\\n\\n"]}""");

  @Test
  void reseed_givesASeededRequestAFreshSmallSeed_andChangesNothingElse() {
    SplittableRandom random = new SplittableRandom(1);
    int seeded = 0;
    for (int i = 0; i < 1000; i++) {
      LlmRequest r = (LlmRequest) GENERATOR.next(random);
      LlmRequest again = (LlmRequest) TASK.reseed(r, random);
      if (r.seed() == null) {
        assertThat(again).isEqualTo(r);
        continue;
      }
      seeded++;
      assertThat(again.seed()).isNotEqualTo(r.seed()).isBetween(0L,
          (long) SyntheticChats.SEED_BOUND - 1);
      assertThat(again.withSeed(r.seed())).isEqualTo(r);
    }
    assertThat(seeded).isGreaterThan(700);
  }

  @Test
  void reseed_ofAUsersNegativeOrHugeSeed_isNonNegative_andNoSeedStaysNone() {
    SplittableRandom random = new SplittableRandom(2);
    LlmRequest huge = CHAT.withSeed(Long.MAX_VALUE);
    assertThat(((LlmRequest) TASK.reseed(CHAT, random)).seed()).isNotNegative();
    assertThat(((LlmRequest) TASK.reseed(huge, random)).seed())
        .isLessThan(SyntheticChats.SEED_BOUND);
    assertThat(TASK.reseed(COMPLETION, random)).isEqualTo(COMPLETION);
  }

  @Test
  void reshape_takesTheContentsMessages_andTheShapesParameters() {
    LlmRequest shape = parse(LlmRequest.CHAT_PATH, """
        {"model":"reference-lm","messages":[{"role":"user","content":"hi"}],
         "temperature":0.7,"top_p":0.5,"max_completion_tokens":33,"stop":["END","###"],
         "seed":5,"logprobs":true,"top_logprobs":3,"stream":true,
         "stream_options":{"include_usage":true},"user":"someone"}""");
    LlmRequest r = (LlmRequest) TASK.reshape(CHAT, shape, new SplittableRandom(3));
    assertThat(r.path()).isEqualTo(LlmRequest.CHAT_PATH);
    assertThat(r.messages()).isEqualTo(CHAT.messages());
    assertThat(r.prompt()).isNull();
    assertThat(r.temperature()).isEqualTo(0.7);
    assertThat(r.topP()).isEqualTo(0.5);
    assertThat(r.maxTokens()).isEqualTo(33);
    assertThat(r.stop()).containsExactly("END", "###");
    assertThat(r.seed()).isNotNull().isNotEqualTo(5L).isNotEqualTo(CHAT.seed());
    assertThat(r.logprobs()).isTrue();
    assertThat(r.topLogprobs()).isEqualTo(3);
    assertThat(r.stream()).isTrue();
    assertThat(r.includeUsage()).isTrue();
    assertThat(r.user()).isNull();
  }

  @Test
  void reshape_withAnUnseededShape_hasNoSeed_evenIfTheContentHadOne() {
    LlmRequest r = (LlmRequest) TASK.reshape(CHAT, COMPLETION, new SplittableRandom(4));
    assertThat(r.seed()).isNull();
    assertThat(r.chat()).isTrue();
    assertThat(r.temperature()).isEqualTo(1.1);
    assertThat(r.stop()).containsExactly("\n\n");
  }

  @Test
  void reshape_keepsTheContentsPath_andClampsAlternativesToItsLimit() {
    LlmRequest manyAlternatives = parse(LlmRequest.CHAT_PATH, """
        {"model":"reference-lm","messages":[{"role":"user","content":"hi"}],
         "logprobs":true,"top_logprobs":20}""");
    LlmRequest completion = (LlmRequest) TASK.reshape(COMPLETION, manyAlternatives,
        new SplittableRandom(5));
    assertThat(completion.chat()).isFalse();
    assertThat(completion.prompt()).isEqualTo(COMPLETION.prompt());
    assertThat(completion.messages()).isEmpty();
    assertThat(completion.logprobs()).isTrue();
    assertThat(completion.topLogprobs()).isEqualTo(LlmRequestParser.MAX_COMPLETION_LOGPROBS);

    LlmRequest chat = (LlmRequest) TASK.reshape(CHAT, COMPLETION, new SplittableRandom(5));
    assertThat(chat.logprobs()).isTrue();
    assertThat(chat.topLogprobs()).isEqualTo(2);
  }

  @Test
  void reseededAndReshapedRequests_reachAMinerAsValidRequests_overManySeeds() {
    for (long seed = 0; seed < 300; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      LlmRequest content = random.nextInt(3) == 0 ? (random.nextBoolean() ? CHAT : COMPLETION)
          : (LlmRequest) GENERATOR.next(random);
      LlmRequest shape = random.nextBoolean() ? randomUserRequest(random)
          : (LlmRequest) GENERATOR.next(random);
      LlmRequest reshaped = (LlmRequest) TASK.reshape(content, shape, random);
      assertReachesAMinerUnchanged(reshaped);
      assertThat(reshaped.chat()).isEqualTo(content.chat());
      assertThat(reshaped.seed() != null).isEqualTo(shape.seed() != null);
      assertReachesAMinerUnchanged((LlmRequest) TASK.reseed(shape, random));
      assertReachesAMinerUnchanged((LlmRequest) TASK.reseed(reshaped, random));
    }
  }

  @Test
  void anotherKindsRequest_isRefused() {
    TaskContracts.assertRefusesAnotherKind(TASK, CHAT,
        TaskContracts.anotherKindsRequest("/v1/embeddings", "m"));
  }

  /**
   * The miner's body parses without error into the same content and parameters (the body always
   * asks for log-probabilities and usage, so those are not compared).
   */
  private static void assertReachesAMinerUnchanged(LlmRequest r) {
    List<TaskRequest> parts = TASK.split(r);
    assertThat(parts).hasSize(1);
    LlmRequest atMiner = (LlmRequest) KIND.parseRequest(r.path(),
        TASK.minerRequestBody(parts.get(0)));
    assertThat(atMiner.path()).isEqualTo(r.path());
    assertThat(atMiner.messages()).isEqualTo(r.messages());
    assertThat(atMiner.prompt()).isEqualTo(r.prompt());
    assertThat(atMiner.temperature()).isEqualTo(r.temperature());
    assertThat(atMiner.topP()).isEqualTo(r.topP());
    assertThat(atMiner.maxTokens()).isEqualTo(r.maxTokens());
    assertThat(atMiner.stop()).isEqualTo(r.stop());
    assertThat(atMiner.seed()).isEqualTo(r.seed());
    assertThat(atMiner.stream()).isEqualTo(r.stream());
    assertThat(atMiner.topLogprobs()).isGreaterThanOrEqualTo(r.topLogprobs());
    assertThat(TASK.estimateUnits(r)).isEqualTo(r.maxTokens());
  }

  /** A valid request as any client might send it, parameters anywhere in their ranges. */
  private static LlmRequest randomUserRequest(SplittableRandom random) {
    boolean chat = random.nextBoolean();
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", "reference-lm");
    if (chat) {
      body.putArray("messages").addObject().put("role", "user").put("content", "Hello there");
      if (random.nextBoolean()) {
        body.put("logprobs", true).put("top_logprobs", random.nextInt(21));
      }
    } else {
      body.put("prompt", "Hello there");
      if (random.nextBoolean()) {
        body.put("logprobs", random.nextInt(6));
      }
    }
    body.put("temperature", random.nextInt(201) / 100.0).put("top_p", random.nextInt(101) / 100.0)
        .put("max_tokens", 1 + random.nextInt(LlmRequestParser.MAX_MAX_TOKENS));
    ArrayNode stop = body.putArray("stop");
    for (int i = random.nextInt(5); i > 0; i--) {
      stop.add("s" + random.nextInt(100));
    }
    if (random.nextBoolean()) {
      body.put("seed", random.nextLong());
    }
    if (random.nextBoolean()) {
      body.put("stream", true).putObject("stream_options")
          .put("include_usage", random.nextBoolean());
    }
    return parse(chat ? LlmRequest.CHAT_PATH : LlmRequest.COMPLETIONS_PATH, body.toString());
  }

  private static LlmRequest parse(String path, String json) {
    return (LlmRequest) KIND.parseRequest(path, json.getBytes(StandardCharsets.UTF_8));
  }
}
