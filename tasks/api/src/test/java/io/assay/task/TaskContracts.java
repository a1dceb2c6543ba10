package io.assay.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

/**
 * What every task kind's tests check the same way (shared with the kinds through this module's
 * test jar): a task refuses another kind's request, and its generator recognises all it makes.
 */
public final class TaskContracts {

  private TaskContracts() {}

  /** A request of another kind, with only what routing sees of a request: path and model. */
  public static TaskRequest anotherKindsRequest(String path, String model) {
    return new TaskRequest() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public String model() {
        return model;
      }
    };
  }

  /**
   * Reseeding or reshaping with a request of another kind, as the content or as the shape, is a
   * programming error the task names rather than a request it sends.
   */
  public static void assertRefusesAnotherKind(Task task, TaskRequest own, TaskRequest other) {
    SplittableRandom random = new SplittableRandom(1);
    assertThatThrownBy(() -> task.reseed(other, random))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> task.reshape(own, other, random))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> task.reshape(other, own, random))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Every request the generator makes, five for each of 2000 seeds, is one it produced. */
  public static void assertRecognisesAllItMakes(SyntheticGenerator generator) {
    for (long seed = 0; seed < 2000; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < 5; i++) {
        TaskRequest r = generator.next(random);
        assertThat(generator.produced(r)).as("%s", r).isTrue();
      }
    }
  }
}
