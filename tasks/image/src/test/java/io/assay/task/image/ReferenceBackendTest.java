package io.assay.task.image;

import static io.assay.task.image.Fixtures.SPEC;
import static io.assay.task.image.Fixtures.TASK;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.Backend;
import io.assay.task.TaskException;
import io.assay.task.TaskSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class ReferenceBackendTest {

  /** Runs nothing until told: proves the caller's thread does no drawing. */
  private static final class ManualExecutor implements Executor {
    final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
    }
  }

  private final ManualExecutor workers = new ManualExecutor();
  private final Backend backend = new ReferenceImageBackend(SPEC, TASK, workers,
      Clock.fixed(Instant.ofEpochSecond(1_234), ZoneOffset.UTC));

  @Test
  void kind_offersTheReferenceBackendForTheReferenceModelOnly() {
    assertThat(Fixtures.KIND.referenceBackend(SPEC, workers)).isPresent();
    assertThat(Fixtures.KIND.referenceBackend(new TaskSpec("image", "sdxl", 1, 1), workers))
        .isEmpty();
  }

  @Test
  void serve_drawsOnTheWorkers_onePicturePerSeed_inOrder() {
    ImageRequest r = new ImageRequest(ImageRequest.PATH, "reference-image", "a fox", null, 2,
        new ImageSize(256, 256), "url", 3, 40L, null, null);
    CompletionStage<?> stage = backend.serve(r);
    assertThat(stage.toCompletableFuture()).isNotDone();
    assertThat(workers.tasks).hasSize(2);
    workers.runAll();
    ImageAnswer answer = (ImageAnswer) stage.toCompletableFuture().join();
    assertThat(answer.created()).isEqualTo(1_234);
    assertThat(answer.images()).extracting(ImageAnswer.Image::png)
        .containsExactly(Fixtures.png(r, 40), Fixtures.png(r, 41));
    // What a miner sends reads back as a valid answer.
    assertThat(TASK.readAnswer(r, answer.toMinerBody())).isEqualTo(answer);
  }

  @Test
  void defaults_areFilledIn() {
    CompletionStage<?> stage = backend.serve(ImageRequest.of("reference-image", "a fox"));
    workers.runAll();
    ImageAnswer answer = (ImageAnswer) stage.toCompletableFuture().join();
    assertThat(PngHeader.read(answer.images().get(0).png())).isEqualTo(new PngHeader(512, 512));
  }

  @Test
  void otherModel_badRequest_overloadAndClose_failAtOnce() {
    assertThat(failure(backend.serve(ImageRequest.of("sdxl", "a")))).hasMessageContaining("sdxl");
    assertThat(failure(backend.serve(new ImageRequest(ImageRequest.PATH, "reference-image", "a",
        null, 1, new ImageSize(100, 100), "b64_json", null, null, null, null))))
        .hasMessageContaining("100x100");
    for (int i = 0; i < ReferenceImageBackend.MAX_QUEUED_PICTURES / 8; i++) {
      backend.serve(new ImageRequest(ImageRequest.PATH, "reference-image", "a", null, 8,
          new ImageSize(256, 256), "b64_json", 1, 1L, null, null));
    }
    assertThat(failure(backend.serve(Fixtures.request("a", 1, 256, 1))))
        .hasMessageContaining("overloaded");
    backend.close();
    assertThat(failure(backend.serve(Fixtures.request("a", 1, 256, 1))))
        .hasMessageContaining("closed");
    workers.runAll();
    assertThat(workers.tasks).isEmpty();
  }

  @Test
  void refusingExecutor_failsTheRequestWithATaskException() {
    Backend refusing = new ReferenceImageBackend(SPEC, TASK, task -> {
      throw new java.util.concurrent.RejectedExecutionException("full");
    });
    assertThat(failure(refusing.serve(Fixtures.request("a", 1, 256, 1))))
        .hasMessageContaining("refused");
  }

  private static Throwable failure(CompletionStage<?> stage) {
    CompletableFuture<?> future = stage.toCompletableFuture();
    assertThat(future).isCompletedExceptionally();
    try {
      future.join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(TaskException.class);
      return e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }
}
