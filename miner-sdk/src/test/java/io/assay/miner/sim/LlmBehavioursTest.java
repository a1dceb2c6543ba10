package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.Backend;
import io.assay.task.StreamRelay;
import io.assay.task.Task;
import io.assay.task.TaskSpec;
import io.assay.task.llm.LlmAnswer;
import io.assay.task.llm.LlmKind;
import io.assay.task.llm.LlmRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The llm behaviours against the real reference model. Their answers are checked with the llm
 * kind's own answer reader and stream relay, as the gateway would check them.
 */
class LlmBehavioursTest {

  private static final LlmKind LLM = new LlmKind();
  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);
  private static final Task TASK = LLM.bind(SPEC);
  private static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(2);
  private static final Backend REFERENCE = LLM.referenceBackend(SPEC, EXECUTOR).orElseThrow();

  @AfterAll
  static void stopExecutor() {
    EXECUTOR.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(strings = {LlmRequest.CHAT_PATH, LlmRequest.COMPLETIONS_PATH})
  void randomOutput_keepsTheShapeButNotTheText(String path) throws Exception {
    LlmRequest request = request(path, 7L, false);
    LlmAnswer honest = serve(REFERENCE, request);
    Backend random = SimulatedBackends.wrap(Behaviour.RANDOM_OUTPUT, REFERENCE, null,
        new Random(11));

    LlmAnswer fake = serve(random, request);

    assertThat(fake.text()).isNotEqualTo(honest.text());
    assertThat(fake.tokens()).hasSameSizeAs(honest.tokens());
    assertThat(fake.finishReason()).isEqualTo(honest.finishReason());
    assertThat(fake.promptTokens()).isEqualTo(honest.promptTokens());
    assertThat(fake.chat()).isEqualTo(honest.chat());
    assertWellFormed(fake, honest);
    assertThat(TASK.readAnswer(request, fake.toMinerBody())).isEqualTo(fake);
  }

  @ParameterizedTest
  @ValueSource(strings = {LlmRequest.CHAT_PATH, LlmRequest.COMPLETIONS_PATH})
  void randomOutputStream_chunksSpellTheAnswerItCompletesWith(String path) throws Exception {
    LlmRequest request = request(path, 7L, true);
    LlmAnswer honest = serve(REFERENCE, request);
    Backend random = SimulatedBackends.wrap(Behaviour.RANDOM_OUTPUT, REFERENCE, null,
        new Random(12));
    List<byte[]> chunks = Collections.synchronizedList(new ArrayList<>());

    LlmAnswer fake = (LlmAnswer) random.stream(request, chunks::add).toCompletableFuture()
        .get(60, TimeUnit.SECONDS);

    StreamRelay relay = TASK.streamRelay(request);
    chunks.forEach(relay::accept);
    relay.finish();
    LlmAnswer relayed = (LlmAnswer) relay.answer();
    assertThat(relayed.text()).isEqualTo(fake.text()).isNotEqualTo(honest.text());
    assertThat(relayed.tokens()).isEqualTo(fake.tokens());
    assertThat(relayed.finishReason()).isEqualTo(fake.finishReason())
        .isEqualTo(honest.finishReason());
    assertThat(relayed.promptTokens()).isEqualTo(honest.promptTokens());
    assertWellFormed(fake, honest);
  }

  @Test
  void otherModel_changesTheTextForAFixedSeed() throws Exception {
    LlmRequest request = request(LlmRequest.CHAT_PATH, 7L, false);
    LlmAnswer honest = serve(REFERENCE, request);
    assertThat(serve(REFERENCE, request).text()).isEqualTo(honest.text());
    Backend other = SimulatedBackends.wrap(Behaviour.OTHER_MODEL, REFERENCE, null, null);

    LlmAnswer answer = serve(other, request);

    assertThat(answer.text()).isNotBlank().isNotEqualTo(honest.text());
    assertThat(TASK.readAnswer(request, answer.toMinerBody())).isEqualTo(answer);
  }

  @Test
  void otherModelStream_matchesWhatItServes() throws Exception {
    LlmRequest request = request(LlmRequest.CHAT_PATH, 7L, true);
    Backend other = SimulatedBackends.wrap(Behaviour.OTHER_MODEL, REFERENCE, null, null);
    List<byte[]> chunks = Collections.synchronizedList(new ArrayList<>());

    LlmAnswer streamed = (LlmAnswer) other.stream(request, chunks::add).toCompletableFuture()
        .get(60, TimeUnit.SECONDS);

    StreamRelay relay = TASK.streamRelay(request);
    chunks.forEach(relay::accept);
    relay.finish();
    assertThat(((LlmAnswer) relay.answer()).text()).isEqualTo(streamed.text())
        .isEqualTo(serve(other, request).text())
        .isNotEqualTo(serve(REFERENCE, request).text());
  }

  @Test
  void otherModel_withoutASeedAnswersFromAFixedOne() throws Exception {
    LlmRequest request = request(LlmRequest.COMPLETIONS_PATH, null, false);
    Backend other = SimulatedBackends.wrap(Behaviour.OTHER_MODEL, REFERENCE, null, null);
    assertThat(serve(other, request).text()).isEqualTo(serve(other, request).text());
  }

  @ParameterizedTest
  @ValueSource(strings = {LlmRequest.CHAT_PATH, LlmRequest.COMPLETIONS_PATH})
  void earlyStop_answersAtMostThreeOfTheHonestTokens_endingWithStop(String path)
      throws Exception {
    LlmRequest request = request(path, 7L, false);
    LlmAnswer honest = serve(REFERENCE, request);
    assertThat(honest.tokens()).hasSizeGreaterThan(3);
    Backend early = SimulatedBackends.wrap(Behaviour.EARLY_STOP, REFERENCE, null, null);

    LlmAnswer cut = serve(early, request);

    assertThat(cut.tokens()).hasSizeBetween(1, 3)
        .isEqualTo(honest.tokens().subList(0, cut.tokens().size()));
    assertThat(cut.finishReason()).isEqualTo("stop");
    assertThat(TASK.readAnswer(request, cut.toMinerBody())).isEqualTo(cut);
    assertThat(TASK.units(request, cut)).isLessThanOrEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {LlmRequest.CHAT_PATH, LlmRequest.COMPLETIONS_PATH})
  void earlyStopStream_endsAfterAtMostThreeTokensWithStop(String path) throws Exception {
    LlmRequest request = request(path, 7L, true);
    Backend early = SimulatedBackends.wrap(Behaviour.EARLY_STOP, REFERENCE, null, null);
    List<byte[]> chunks = Collections.synchronizedList(new ArrayList<>());

    LlmAnswer streamed = (LlmAnswer) early.stream(request, chunks::add).toCompletableFuture()
        .get(60, TimeUnit.SECONDS);

    StreamRelay relay = TASK.streamRelay(request);
    chunks.forEach(relay::accept);
    relay.finish();
    LlmAnswer relayed = (LlmAnswer) relay.answer();
    assertThat(relayed.tokens()).hasSizeBetween(1, 3).isEqualTo(streamed.tokens());
    assertThat(relayed.finishReason()).isEqualTo(streamed.finishReason()).isEqualTo("stop");
    assertThat(chunks).noneMatch(c -> new String(c, StandardCharsets.UTF_8)
        .contains("\"length\""));
  }

  @Test
  void detector_servesWhatTheGeneratorMadeHonestly_andTheRestWithRandomOutput()
      throws Exception {
    Backend detector = SimulatedBackends.wrap(Behaviour.DETECTOR, REFERENCE, TASK, null,
        new Random(5));
    LlmRequest synthetic = generated(false);
    LlmRequest handWritten = request(LlmRequest.CHAT_PATH, 7L, false);
    assertThat(TASK.syntheticGenerator().produced(synthetic)).isTrue();
    assertThat(TASK.syntheticGenerator().produced(handWritten)).isFalse();

    assertThat(serve(detector, synthetic)).isEqualTo(serve(REFERENCE, synthetic));

    LlmAnswer honest = serve(REFERENCE, handWritten);
    LlmAnswer fake = serve(detector, handWritten);
    assertThat(fake.text()).isNotEqualTo(honest.text());
    assertThat(fake.tokens()).hasSameSizeAs(honest.tokens());
    assertWellFormed(fake, honest);
  }

  @Test
  void detectorStream_isHonestForTheGenerator_andRandomForTheRest() throws Exception {
    Backend detector = SimulatedBackends.wrap(Behaviour.DETECTOR, REFERENCE, TASK, null,
        new Random(6));

    LlmRequest synthetic = generated(true);
    assertThat(relayed(detector, synthetic).text())
        .isEqualTo(serve(REFERENCE, synthetic).text());

    LlmRequest handWritten = request(LlmRequest.CHAT_PATH, 7L, true);
    LlmAnswer honest = serve(REFERENCE, handWritten);
    LlmAnswer fake = relayed(detector, handWritten);
    assertThat(fake.text()).isNotEqualTo(honest.text());
    assertThat(fake.tokens()).hasSameSizeAs(honest.tokens());
  }

  /** A request the task's generator made, with a fixed seed, logprobs and the streaming asked. */
  private static LlmRequest generated(boolean stream) {
    LlmRequest r = (LlmRequest) TASK.syntheticGenerator().next(new java.util.SplittableRandom(3));
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(),
        r.topP(), Math.max(8, r.maxTokens()), r.stop(), 7L, true, 5, stream,
        stream, r.user());
  }

  /** What the gateway reads from {@code backend}'s stream of {@code request}. */
  private static LlmAnswer relayed(Backend backend, LlmRequest request) throws Exception {
    List<byte[]> chunks = Collections.synchronizedList(new ArrayList<>());
    backend.stream(request, chunks::add).toCompletableFuture().get(60, TimeUnit.SECONDS);
    StreamRelay relay = TASK.streamRelay(request);
    chunks.forEach(relay::accept);
    relay.finish();
    return (LlmAnswer) relay.answer();
  }

  /** Tokens spell the text, words from the list, logprobs negative, alternatives sorted. */
  private static void assertWellFormed(LlmAnswer fake, LlmAnswer honest) {
    StringBuilder spelled = new StringBuilder();
    for (int i = 0; i < fake.tokens().size(); i++) {
      LlmAnswer.TokenLogprob t = fake.tokens().get(i);
      spelled.append(t.token());
      boolean first = fake.chat() && i == 0;
      assertThat(FakeContent.WORDS).contains(first ? t.token() : t.token().substring(1));
      assertThat(t.token().startsWith(" ")).isEqualTo(!first);
      assertThat(t.logprob()).isNegative();
      assertThat(t.top()).hasSameSizeAs(honest.tokens().get(i).top());
      assertThat(t.top()).contains(new LlmAnswer.Alternative(t.token(), t.logprob()));
      assertThat(t.top()).allSatisfy(a -> assertThat(a.logprob()).isNegative());
      assertThat(t.top()).extracting(LlmAnswer.Alternative::logprob)
          .isSortedAccordingTo((x, y) -> Double.compare(y, x));
      assertThat(t.top()).extracting(LlmAnswer.Alternative::token).doesNotHaveDuplicates();
      double total = t.top().stream().mapToDouble(a -> Math.exp(a.logprob())).sum();
      assertThat(total).isLessThan(1.0);
    }
    assertThat(spelled.toString()).isEqualTo(fake.text());
  }

  private static LlmAnswer serve(Backend backend, LlmRequest request) throws Exception {
    return (LlmAnswer) backend.serve(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static LlmRequest request(String path, Long seed, boolean stream) {
    String prompt = path.equals(LlmRequest.CHAT_PATH)
        ? "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the river.\"}]"
        : "\"prompt\":\"The river\"";
    String logprobs = path.equals(LlmRequest.CHAT_PATH)
        ? "\"logprobs\":true,\"top_logprobs\":5" : "\"logprobs\":5";
    String json = "{\"model\":\"reference-lm\"," + prompt + ",\"max_tokens\":24,"
        + "\"temperature\":0.8," + logprobs
        + (seed == null ? "" : ",\"seed\":" + seed)
        + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
    return (LlmRequest) LLM.parseRequest(path, json.getBytes(StandardCharsets.UTF_8));
  }
}
