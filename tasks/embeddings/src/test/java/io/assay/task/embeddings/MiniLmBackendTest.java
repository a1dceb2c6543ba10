package io.assay.task.embeddings;

import static io.assay.task.embeddings.Fixtures.SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MiniLmBackendTest {

  private final ExecutorService workers = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    workers.shutdownNow();
  }

  @Test
  void concurrentRequests_getTheSameVectorsAsTheEngineAlone() {
    Backend backend = Fixtures.KIND.referenceBackend(SPEC, workers).orElseThrow();
    List<EmbeddingsRequest> requests = new ArrayList<>();
    for (int r = 0; r < 24; r++) {
      List<String> input = new ArrayList<>();
      for (int i = 0; i <= r % 5; i++) {
        input.add("request " + r + " input " + i + " " + "lorem ipsum ".repeat((r + i) % 7));
      }
      requests.add(EmbeddingsRequest.of(MiniLmEngine.MODEL_ID, input));
    }
    List<CompletableFuture<TaskAnswer>> answers = new ArrayList<>();
    for (EmbeddingsRequest request : requests) {
      answers.add(backend.serve(request).toCompletableFuture());
    }
    for (int r = 0; r < requests.size(); r++) {
      EmbeddingsAnswer answer = (EmbeddingsAnswer) answers.get(r).orTimeout(60, TimeUnit.SECONDS)
          .join();
      List<String> input = requests.get(r).input();
      assertThat(answer.vectors()).hasSize(input.size());
      assertThat(answer.promptTokens()).isEqualTo(Fixtures.TASK.countTokens(input));
      List<float[]> expected = MiniLmEngine.shared().embed(input);
      for (int i = 0; i < input.size(); i++) {
        assertThat(answer.vectors().get(i)).isEqualTo(expected.get(i));
      }
    }
  }

  @Test
  void serve_returnsBeforeAnyWorkIsDone() {
    ParkingExecutor parked = new ParkingExecutor();
    Backend backend = Fixtures.KIND.referenceBackend(SPEC, parked).orElseThrow();
    CompletableFuture<TaskAnswer> answer = backend.serve(
        EmbeddingsRequest.of(MiniLmEngine.MODEL_ID, List.of("hi"))).toCompletableFuture();
    assertThat(answer).isNotDone();
    parked.runAll();
    assertThat(((EmbeddingsAnswer) answer.join()).vectors().get(0)).hasSize(384);
  }

  @Test
  void requestsQueuedTogether_shareOneOnnxCall() {
    ParkingExecutor parked = new ParkingExecutor();
    MiniLmBackend backend = (MiniLmBackend) Fixtures.KIND.referenceBackend(SPEC, parked)
        .orElseThrow();
    List<CompletableFuture<TaskAnswer>> answers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      answers.add(backend.serve(EmbeddingsRequest.of(MiniLmEngine.MODEL_ID,
          List.of("first of " + r, "second of request " + r))).toCompletableFuture());
    }
    parked.runAll();
    assertThat(backend.onnxCalls()).isEqualTo(1);
    for (CompletableFuture<TaskAnswer> answer : answers) {
      assertThat(((EmbeddingsAnswer) answer.join()).vectors()).hasSize(2);
    }
  }

  /** Holds tasks until the test runs them, in order, on its own thread. */
  private static final class ParkingExecutor implements java.util.concurrent.Executor {
    private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();

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

  @Test
  void anotherModel_hasNoReferenceBackend() {
    assertThat(Fixtures.KIND.referenceBackend(
        new io.assay.task.TaskSpec("embeddings", "bge-large-en", 1, 1), workers)).isEmpty();
  }

  @Test
  void requestForAnotherModel_fails() {
    Backend backend = Fixtures.KIND.referenceBackend(SPEC, workers).orElseThrow();
    assertThatThrownBy(() -> backend.serve(EmbeddingsRequest.of("other", List.of("x")))
        .toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(TaskException.class)
        .hasMessageContaining("cannot serve model other");
  }

  @Test
  void closedBackend_refusesRequests() {
    Backend backend = Fixtures.KIND.referenceBackend(SPEC, workers).orElseThrow();
    backend.close();
    assertThatThrownBy(() -> backend.serve(EmbeddingsRequest.of(MiniLmEngine.MODEL_ID,
        List.of("x"))).toCompletableFuture().join())
        .hasCauseInstanceOf(TaskException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void rejectingExecutor_failsTheRequestInsteadOfThrowing() {
    Backend backend = Fixtures.KIND.referenceBackend(SPEC, task -> {
      throw new java.util.concurrent.RejectedExecutionException("full");
    }).orElseThrow();
    assertThatThrownBy(() -> backend.serve(EmbeddingsRequest.of(MiniLmEngine.MODEL_ID,
        List.of("x"))).toCompletableFuture().join())
        .hasCauseInstanceOf(TaskException.class)
        .hasMessageContaining("refused");
  }
}
