package io.assay.task.llm;

import static io.assay.task.llm.LlmCheckerFixtures.BACKEND;
import static io.assay.task.llm.LlmCheckerFixtures.CHECKER;
import static io.assay.task.llm.LlmCheckerFixtures.KIND;
import static io.assay.task.llm.LlmCheckerFixtures.SPEC;
import static io.assay.task.llm.LlmCheckerFixtures.TASK;
import static io.assay.task.llm.LlmCheckerFixtures.chat;
import static io.assay.task.llm.LlmCheckerFixtures.check;
import static io.assay.task.llm.LlmCheckerFixtures.completion;
import static io.assay.task.llm.LlmCheckerFixtures.serve;
import static io.assay.task.llm.LlmCheckerFixtures.serveWithSeed;
import static io.assay.task.llm.LlmCheckerFixtures.streamed;
import static io.assay.task.llm.LlmCheckerFixtures.withSeed;
import static io.assay.task.llm.LlmCheckerFixtures.withTopP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.assay.task.Checker.CheckItem;
import io.assay.task.Checker.CheckResult;
import io.assay.task.StreamRelay;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.llm.LlmCheckerConfig.RankTier;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Honest answers, made by the real reference backend, pass. */
class LlmCheckerTest {

  @Test
  void kind_offersTheCheckerForTheReferenceModelOnly() {
    assertThat(KIND.referenceChecker(SPEC)).get().isInstanceOf(LlmChecker.class);
    assertThat(KIND.referenceChecker(new TaskSpec("llm", "gpt-x", 1, 1))).isEmpty();
  }

  @Test
  void honestChatAndCompletionAnswers_passWithQualityOne() {
    List<LlmRequest> requests = List.of(
        chat("Tell me about cooking.", 0.8, 7L, 64, List.of()),
        chat("How do I start investing?", 0, null, 64, List.of()),
        chat("What is the weather like tomorrow?", 1.0, null, 128, List.of()),
        completion("The best way to learn to cook is", 0.7, 3L, 40),
        completion("Why do birds migrate?", 1.0, null, 40));
    List<CheckItem> items = new ArrayList<>();
    requests.forEach(r -> items.add(new CheckItem(r, serve(r))));
    assertThat(CHECKER.check(items)).allSatisfy(r -> {
      assertThat(r.quality()).isCloseTo(1.0, within(1e-9));
      assertThat(r.reason()).isEqualTo("ok");
    });
  }

  @Test
  void honestAnswersAssembledFromTheStream_pass() {
    for (LlmRequest plain : List.of(chat("How can I get better at tennis?", 0.9, 11L, 48,
        List.of()), completion("Write a short note about the seasons", 0.5, null, 32))) {
      LlmRequest request = streamed(plain);
      List<byte[]> chunks = new ArrayList<>();
      BACKEND.stream(request, chunks::add).toCompletableFuture().orTimeout(30, TimeUnit.SECONDS)
          .join();
      StreamRelay relay = TASK.streamRelay(request);
      chunks.forEach(relay::accept);
      relay.finish();
      CheckResult result = check(request, (LlmAnswer) relay.answer());
      assertThat(result.quality()).as(result.reason()).isCloseTo(1.0, within(1e-9));
    }
  }

  /** As requested (mostly seeded), and again without the seed: the coarse check alone. */
  @Test
  void honestSyntheticTraffic_passes_withAndWithoutItsSeed() {
    SplittableRandom random = new SplittableRandom(2024);
    for (int i = 0; i < 150; i++) {
      LlmRequest r = (LlmRequest) TASK.syntheticGenerator().next(random);
      LlmAnswer answer = serveWithSeed(r, r.seed() != null ? r.seed() : i);
      for (LlmRequest asked : List.of(withSeed(r, r.seed() != null ? r.seed() : (long) i),
          withSeed(r, null))) {
        CheckResult result = check(asked, answer);
        assertThat(result.quality()).as("%s -> %s", asked, result.reason())
            .isCloseTo(1.0, within(1e-9));
      }
    }
  }

  @Test
  void honestUnseededAnswersAtHighTemperatureAndWithTopP_pass() {
    String[] questions = {"Why did the Roman Empire fall?", "How much sleep do I need?",
        "How do I learn to play the guitar?", "Give me three tips on saving money."};
    for (double temperature : new double[] {0.3, 1.2, 1.5, 2.0}) {
      for (double topP : new double[] {1.0, 0.9, 0.5}) {
        for (int q = 0; q < questions.length; q++) {
          for (long seed = 0; seed < 5; seed++) {
            LlmRequest r = withTopP(chat(questions[q], temperature, null, 96, List.of()), topP);
            CheckResult result = check(r, serveWithSeed(r, seed));
            assertThat(result.quality()).as("T %s top_p %s seed %s: %s", temperature, topP,
                seed, result.reason()).isCloseTo(1.0, within(1e-9));
          }
        }
      }
    }
  }

  @Test
  void lengthFinishAtMaxTokens_passes() {
    LlmRequest r = chat("Tell me about history.", 1.0, 5L, 6, List.of());
    LlmAnswer answer = serve(r);
    assertThat(answer.finishReason()).isEqualTo("length");
    assertThat(answer.tokens()).hasSize(6);
    assertThat(check(r, answer).quality()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void stopSequenceFinish_passes_evenWhenTheStopStartsInsideADroppedToken() {
    int seen = 0;
    for (long seed = 0; seed < 20; seed++) {
      for (List<String> stop : List.of(List.of("."), List.of("e"), List.of(" the", "ing "))) {
        LlmRequest r = chat("Tell me about the weather.", 1.0, seed, 80, stop);
        LlmAnswer answer = serve(r);
        if (answer.finishReason().equals("stop")) {
          seen++;
        }
        for (LlmRequest asked : List.of(r, withSeed(r, null))) {
          CheckResult result = check(asked, answer);
          assertThat(result.quality()).as("%s %s: %s", stop, answer.text(), result.reason())
              .isCloseTo(1.0, within(1e-9));
        }
      }
    }
    assertThat(seen).isGreaterThan(30);
  }

  @Test
  void anAnswerTheReferenceFailsTooIsNotPenalised() {
    // A checker so strict that anything but the greedy token is unlikely.
    LlmChecker strict = new LlmChecker(new LlmCheckerConfig(
        List.of(new RankTier(Double.POSITIVE_INFINITY, 1)), 0.99999, 0, 0, 0.9, 7, 1e-4, 5, 0.5,
        0.1));
    LlmRequest r = chat("Tell me about cooking.", 1.2, 42L, 64, List.of());
    CheckResult result = strict.check(r, serve(r));
    assertThat(result.reason()).startsWith("reference fails the same way: ")
        .contains("tokens unlikely");
    assertThat(result.quality()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void badConfig_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> new LlmCheckerConfig(List.of(new RankTier(1, 5)), 1.5, 2, 0.05,
        0.5, 7, 1e-4, 5, 0.5, 0.1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tailMass");
    assertThat(LlmCheckerConfig.defaults().k(0.3)).isEqualTo(5);
    assertThat(LlmCheckerConfig.defaults().k(0.31)).isEqualTo(10);
    assertThat(LlmCheckerConfig.defaults().k(2.0)).isEqualTo(40);
    assertThat(LlmCheckerConfig.defaults().allowedFailures(10)).isEqualTo(2);
    assertThat(LlmCheckerConfig.defaults().allowedFailures(200)).isEqualTo(10);
  }
}
