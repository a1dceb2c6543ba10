package io.assay.task.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageKindTest {

  @Test
  void kind_isDiscoveredByNameAndPath() {
    TaskKinds kinds = TaskKinds.discover();
    TaskKind kind = kinds.byName("image").orElseThrow();
    assertThat(kind).isInstanceOf(ImageKind.class);
    assertThat(kinds.byPath("/v1/images/generations")).containsSame(kind);
    assertThat(kind.workUnit().name()).isEqualTo("milli_step_megapixels");
    assertThat(kind.referenceModels()).containsExactly("reference-image");
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
  void synthetic_isVariedValidModestAndLooksLikeAUsers() {
    var generator = Fixtures.TASK.syntheticGenerator();
    SplittableRandom random = new SplittableRandom(42);
    Set<String> prompts = new HashSet<>();
    Set<ImageSize> sizes = new HashSet<>();
    Set<Integer> ns = new HashSet<>();
    long units = 0;
    int small = 0;
    int negatives = 0;
    for (int i = 0; i < 500; i++) {
      TaskRequest request = generator.next(random);
      ImageRequest r = (ImageRequest) request;
      assertThat(r.model()).isEqualTo("reference-image");
      units += Fixtures.TASK.estimateUnits(r);
      ImageRequest resolved = Fixtures.TASK.resolve(r);
      // What a miner receives parses back to the same picture: a generation's JSON, or (one
      // in five, once the generator has drawn a start picture) an edit's multipart form.
      TaskRequest part = Fixtures.TASK.split(r).get(0);
      ImageRequest echoed = (ImageRequest) Fixtures.KIND.parseRequest(part.path(),
          Fixtures.TASK.minerContentType(part), Fixtures.TASK.minerRequestBody(part));
      assertThat(echoed.prompt()).isEqualTo(r.prompt());
      assertThat(echoed.size()).isEqualTo(resolved.size());
      prompts.add(r.prompt());
      sizes.add(resolved.size());
      ns.add(r.n());
      small += resolved.size().pixels() <= 512 * 512 ? 1 : 0;
      negatives += r.negativePrompt() != null ? 1 : 0;
    }
    assertThat(prompts).hasSizeGreaterThan(400);
    assertThat(sizes).hasSizeGreaterThanOrEqualTo(4);
    assertThat(ns).contains(1, 2, 4);
    assertThat(small).isGreaterThan(400);
    assertThat(negatives).isBetween(50, 200);
    assertThat(units / 500).isLessThan(20_000);
  }
}
