package io.assay.task.embeddings;

import static io.assay.task.embeddings.Fixtures.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Checker.CheckResult;
import io.assay.task.TaskSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Runs the real model: honest answers come from the reference backend itself. */
class EmbeddingsCheckerTest {

  private static final ExecutorService WORKERS = Executors.newFixedThreadPool(2);
  private static final Backend BACKEND = Fixtures.KIND.referenceBackend(SPEC, WORKERS)
      .orElseThrow();
  private static final List<String> TEXTS = List.of(
      "How do I reset my password?",
      "The stock market fell sharply on Tuesday.",
      "My cat enjoys sleeping in the sun.",
      "Preheat the oven to 200 degrees and bake for twenty minutes.",
      "Tokyo is the capital of Japan.",
      "Rain is expected over the weekend in the north.");

  private final EmbeddingsChecker checker = new EmbeddingsChecker();

  @AfterAll
  static void stop() {
    BACKEND.close();
    WORKERS.shutdownNow();
  }

  @Test
  void kind_offersTheCheckerForMiniLmOnly() {
    assertThat(Fixtures.KIND.referenceChecker(SPEC)).get().isInstanceOf(EmbeddingsChecker.class);
    assertThat(Fixtures.KIND.referenceChecker(new TaskSpec("embeddings", "other", 1, 1)))
        .isEmpty();
    assertThat(checker.preferredBatch()).isEqualTo(32);
  }

  @Test
  void honestAnswers_passWithQualityOne() {
    List<CheckResult> results = checker.check(List.of(honest(TEXTS), honest(TEXTS.subList(0, 1)),
        honest(List.of("x", "x", "a much longer text ".repeat(40)))));
    assertThat(results).allSatisfy(r -> {
      assertThat(r.quality()).isEqualTo(1.0);
      assertThat(r.reason()).isEqualTo("ok");
    });
  }

  @Test
  void randomUnitVectors_areALie() {
    Random random = new Random(7);
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < TEXTS.size(); i++) {
      float[] v = new float[MiniLmEngine.DIMENSION];
      for (int k = 0; k < v.length; k++) {
        v[k] = (float) random.nextGaussian();
      }
      vectors.add(normalised(v));
    }
    assertThat(one(TEXTS, vectors).quality()).isEqualTo(-1);
  }

  @Test
  void shuffledVectors_areALie() {
    List<float[]> vectors = new ArrayList<>(vectors(honest(TEXTS)));
    Collections.rotate(vectors, 1);
    CheckResult result = one(TEXTS, vectors);
    assertThat(result.quality()).isEqualTo(-1);
    assertThat(result.reason()).contains("mean cosine");
  }

  @Test
  void vectorsOfOtherInputs_areALie() {
    List<String> others = List.of("Bananas are rich in potassium.", "The train leaves at noon.",
        "She plays the violin beautifully.", "Quantum computers use qubits.",
        "The museum opens on Sundays.", "He forgot his umbrella at home.");
    assertThat(one(TEXTS, vectors(honest(others))).quality()).isEqualTo(-1);
  }

  @Test
  void oneVectorOfAnotherInput_costsItsShare() {
    List<float[]> vectors = new ArrayList<>(vectors(honest(TEXTS)));
    vectors.set(2, vectors(honest(List.of("Bananas are rich in potassium."))).get(0));
    CheckResult result = one(TEXTS, vectors);
    assertThat(result.quality()).isEqualTo(5.0 / 6);
    assertThat(result.reason()).contains("1 of 6 vectors failed");
  }

  @Test
  void unnormalisedVectors_fail() {
    List<float[]> vectors = new ArrayList<>();
    for (float[] v : vectors(honest(TEXTS))) {
      float[] scaled = v.clone();
      for (int k = 0; k < scaled.length; k++) {
        scaled[k] *= 1.01f;
      }
      vectors.add(scaled);
    }
    CheckResult result = one(TEXTS, vectors);
    assertThat(result.quality()).isZero();
    assertThat(result.reason()).contains("not normalised");
  }

  @Test
  void wrongDimensionOrCount_scoresZero() {
    List<float[]> honest = vectors(honest(TEXTS));
    List<float[]> cut = new ArrayList<>();
    honest.forEach(v -> cut.add(normalised(java.util.Arrays.copyOf(v, 256))));
    assertThat(one(TEXTS, cut).quality()).isZero();
    assertThat(one(TEXTS, cut).reason()).contains("256 dimensions");
    assertThat(one(TEXTS, honest.subList(0, 5)).quality()).isZero();
    assertThat(one(TEXTS, honest.subList(0, 5)).reason()).isEqualTo("5 vectors for 6 inputs");
  }

  @Test
  void aBatchOfFortyMixedItems_getsOneResultPerItemInOrder_inOneOnnxCall() {
    List<CheckItem> items = new ArrayList<>();
    List<Double> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<String> input = List.of("item " + i + " says hello", "shared text");
      CheckItem honest = honest(input);
      switch (i % 4) {
        case 0 -> {
          items.add(honest);
          expected.add(1.0);
        }
        case 1 -> {
          items.add(item(input, List.of(vectors(honest).get(1), vectors(honest).get(0))));
          expected.add(-1.0);
        }
        case 2 -> {
          items.add(item(input, vectors(honest).subList(0, 1)));
          expected.add(0.0);
        }
        default -> {
          List<float[]> half = new ArrayList<>(vectors(honest));
          half.set(0, vectors(honest(List.of("unrelated words entirely"))).get(0));
          items.add(item(input, half));
          expected.add(0.5);
        }
      }
    }
    long before = checker.onnxCalls();
    List<CheckResult> results = checker.check(items);
    assertThat(results).extracting(CheckResult::quality).containsExactlyElementsOf(expected);
    // The 30 items with the right count hold 31 distinct short texts: one batch, one call.
    assertThat(checker.onnxCalls() - before).isEqualTo(1);
  }

  @Test
  void badThreshold_isRefused() {
    assertThatThrownBy(() -> new EmbeddingsChecker(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minCosine");
  }

  /** Not a benchmark: a rough line for the test output, never asserted. */
  @Test
  void timing_checksPerSecondAgainstRawInference() {
    List<CheckItem> items = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      List<String> input = List.of("Synthetic request number " + i
          + " asks about the weather, recipes and travel plans for the coming week.");
      items.add(honest(input));
      all.addAll(input);
    }
    MiniLmEngine engine = MiniLmEngine.shared();
    engine.embed(all); // warm up
    checker.check(items);
    int rounds = 5;
    long t0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      engine.embed(all);
    }
    long t1 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      assertThat(checker.check(items)).allSatisfy(c -> assertThat(c.quality()).isEqualTo(1.0));
    }
    long t2 = System.nanoTime();
    double raw = rounds * items.size() / ((t1 - t0) / 1e9);
    double checks = rounds * items.size() / ((t2 - t1) / 1e9);
    System.out.printf("embeddings checker: %.0f checks/s (1 input each, batches of %d);"
        + " raw MiniLmEngine.embed of the same inputs: %.0f inputs/s (ratio %.2f)%n",
        checks, items.size(), raw, checks / raw);
  }

  private CheckResult one(List<String> input, List<float[]> vectors) {
    return checker.check(List.of(item(input, vectors))).get(0);
  }

  private static CheckItem honest(List<String> input) {
    EmbeddingsRequest request = EmbeddingsRequest.of(MiniLmEngine.MODEL_ID, input);
    return new CheckItem(request, BACKEND.serve(request).toCompletableFuture()
        .orTimeout(60, TimeUnit.SECONDS).join());
  }

  private static CheckItem item(List<String> input, List<float[]> vectors) {
    return new CheckItem(EmbeddingsRequest.of(MiniLmEngine.MODEL_ID, input),
        new EmbeddingsAnswer(vectors, 10));
  }

  private static List<float[]> vectors(CheckItem item) {
    return ((EmbeddingsAnswer) item.answer()).vectors();
  }

  private static float[] normalised(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    float[] out = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = (float) (v[k] / Math.sqrt(sum));
    }
    return out;
  }
}
