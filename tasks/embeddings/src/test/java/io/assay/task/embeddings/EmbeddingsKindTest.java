package io.assay.task.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EmbeddingsKindTest {

  @Test
  void kind_isDiscoveredByNameAndPath() {
    TaskKinds kinds = TaskKinds.discover();
    TaskKind kind = kinds.byName("embeddings").orElseThrow();
    assertThat(kind).isInstanceOf(EmbeddingsKind.class);
    assertThat(kinds.byPath("/v1/embeddings")).containsSame(kind);
    assertThat(kind.workUnit().name()).isEqualTo("input_tokens");
    assertThat(kind.paths()).containsExactly("/v1/embeddings");
    assertThat(kind.referenceModels()).containsExactly("all-MiniLM-L6-v2");
  }

  @Test
  void bindingAnotherKind_isRefused() {
    assertThatThrownBy(() -> Fixtures.KIND.bind(new TaskSpec("llm", "x", 1, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void synthetic_isDeterministicForASeed() {
    var generator = Fixtures.TASK.syntheticGenerator();
    for (int i = 0; i < 20; i++) {
      assertThat(generator.next(new SplittableRandom(i)))
          .isEqualTo(generator.next(new SplittableRandom(i)));
    }
  }

  @Test
  void synthetic_isVariedValidAndWithinTheModelsLimits() {
    var generator = Fixtures.TASK.syntheticGenerator();
    SplittableRandom random = new SplittableRandom(42);
    Set<String> texts = new HashSet<>();
    Set<Integer> sizes = new HashSet<>();
    Set<String> formats = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      TaskRequest request = generator.next(random);
      EmbeddingsRequest r = (EmbeddingsRequest) request;
      assertThat(r.model()).isEqualTo(MiniLmEngine.MODEL_ID);
      assertThat(r.input()).hasSizeBetween(1, 16);
      // What a miner receives parses back to the same texts, and counts within the limits.
      EmbeddingsRequest echoed = (EmbeddingsRequest) Fixtures.KIND.parseRequest(
          EmbeddingsRequest.PATH, Fixtures.TASK.minerRequestBody(r));
      assertThat(echoed.input()).isEqualTo(r.input());
      assertThat(Fixtures.TASK.estimateUnits(r)).isPositive();
      texts.addAll(r.input());
      sizes.add(r.input().size());
      formats.add(r.encodingFormat());
    }
    assertThat(texts).hasSizeGreaterThan(1_000);
    assertThat(sizes).hasSizeGreaterThan(10);
    assertThat(formats).containsExactlyInAnyOrder("float", "base64");
    assertThat(texts).anyMatch(t -> t.contains("[payment-service]") || t.contains(" INFO "))
        .anyMatch(t -> t.startsWith("SELECT ") || t.startsWith("def "))
        .anyMatch(t -> t.endsWith("?"));
  }

  @Test
  void requestRecord_refusesWhatTheApiCannotCarry() {
    assertThatThrownBy(() -> EmbeddingsRequest.of("m", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EmbeddingsRequest("/v1/embeddings", "m", List.of("x"), "int8",
        null, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
