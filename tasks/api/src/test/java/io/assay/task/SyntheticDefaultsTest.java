package io.assay.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What a kind gets for synthetic traffic when it implements nothing: requests as they are. */
class SyntheticDefaultsTest {

  private record Plain(String path, String model) implements TaskRequest {}

  /** A task of a kind with no seed and no parameters: only what the defaults need. */
  private static final Task TASK = new Task() {
    @Override
    public TaskSpec spec() {
      return new TaskSpec("plain", "m", 1, 1);
    }

    @Override
    public long estimateUnits(TaskRequest request) {
      return 1;
    }

    @Override
    public byte[] minerRequestBody(TaskRequest request) {
      return new byte[0];
    }

    @Override
    public TaskAnswer readAnswer(TaskRequest request, byte[] body) {
      return () -> body;
    }

    @Override
    public long units(TaskRequest request, TaskAnswer answer) {
      return 1;
    }

    @Override
    public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
      return answer.toMinerBody();
    }

    @Override
    public SyntheticGenerator syntheticGenerator() {
      return random -> new Plain("/p", "m" + random.nextInt(3));
    }
  };

  @Test
  void reseed_returnsTheRequestItself() {
    TaskRequest request = new Plain("/p", "m");
    assertThat(TASK.reseed(request, new SplittableRandom(1))).isSameAs(request);
  }

  @Test
  void reshape_returnsTheContentItself() {
    TaskRequest content = new Plain("/p", "m");
    TaskRequest shape = new Plain("/q", "m");
    assertThat(TASK.reshape(content, shape, new SplittableRandom(1))).isSameAs(content);
  }

  @Test
  void produced_claimsNothing_evenForTheGeneratorsOwnRequests() {
    SyntheticGenerator generator = TASK.syntheticGenerator();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 10; i++) {
      assertThat(generator.produced(generator.next(random))).isFalse();
    }
  }
}
