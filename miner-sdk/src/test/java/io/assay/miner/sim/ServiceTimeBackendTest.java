package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.miner.sim.TextTask.Answer;
import io.assay.miner.sim.TextTask.Request;
import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service-time model on in-test backends: slots, minimum times, pacing, shedding. */
class ServiceTimeBackendTest {

  private static final String TASK_ID = "test/test-1";
  private static final Task TASK = new CharacterTask();
  private static final Backend ECHO =
      r -> CompletableFuture.completedFuture(new Answer(((Request) r).text()));

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimer() {
    timer.shutdownNow();
  }

  @Test
  void answer_comesNoEarlierThanTheModelTimeOfItsWork() throws Exception {
    Machine machine = new Machine("box", 4);
    Backend timed = timed(ECHO, machine, new ServiceModel.Times(0.2, 0.01));

    long start = System.nanoTime();
    CompletableFuture<TaskAnswer> answer = timed.serve(new Request("hello")).toCompletableFuture();
    assertThat(answer).isNotDone();
    assertThat(machine.inUse(TASK_ID)).isEqualTo(1);

    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(new Answer("hello"));
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(millis(250));
    assertThat(machine.inUse(TASK_ID)).isZero();
  }

  @Test
  void aFullMachine_shedsAtOnceAsBusy_andServesAgainOnceASlotIsFree() throws Exception {
    Machine machine = new Machine("box", 1);
    Backend timed = timed(ECHO, machine, new ServiceModel.Times(0.3, 0));

    CompletableFuture<TaskAnswer> first = timed.serve(new Request("a")).toCompletableFuture();
    CompletableFuture<TaskAnswer> shed = timed.serve(new Request("b")).toCompletableFuture();

    assertThat(shed).isCompletedExceptionally();
    assertThatThrownBy(shed::get).cause()
        .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.busy()).isTrue())
        .hasMessageContaining("box has no free slot for " + TASK_ID);
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new Answer("a"));
    assertThat(timed.serve(new Request("c")).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(new Answer("c"));
  }

  @Test
  void theSlot_isFreeBeforeTheAnswerIsPassedOn() throws Exception {
    Machine machine = new Machine("box", 1);
    Backend timed = timed(ECHO, machine, new ServiceModel.Times(0.05, 0));
    AtomicInteger inUseAtCompletion = new AtomicInteger(-1);

    timed.serve(new Request("a")).whenComplete((a, f) ->
        inUseAtCompletion.set(machine.inUse(TASK_ID))).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    assertThat(inUseAtCompletion.get()).isZero();
  }

  @Test
  void aFailure_isPassedOnAtOnceAndFreesTheSlot() {
    Machine machine = new Machine("box", 1);
    Backend broken = r -> CompletableFuture.failedFuture(new TaskException("boom"));
    Backend timed = timed(broken, machine, new ServiceModel.Times(60, 0));

    CompletableFuture<TaskAnswer> answer = timed.serve(new Request("a")).toCompletableFuture();

    assertThat(answer).isCompletedExceptionally();
    assertThatThrownBy(answer::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TaskException.class).hasMessageContaining("boom");
    assertThat(machine.inUse(TASK_ID)).isZero();
  }

  @Test
  void aStream_passesChunksNoFasterThanThePerUnitTime_inOrderWithKeepAlives() throws Exception {
    Machine machine = new Machine("box", 1);
    ServiceModel.Times times = new ServiceModel.Times(0.1, 0.05);
    Backend timed = timed(new BurstBackend(), machine, times);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    List<Long> at = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();

    CompletableFuture<TaskAnswer> answer = timed.stream(new Request("abc"), new ChunkSink() {
      @Override
      public void chunk(byte[] json) {
        at.add(System.nanoTime() - start);
        events.add(new String(json, StandardCharsets.UTF_8));
      }

      @Override
      public void keepAlive() {
        events.add("keep-alive");
      }
    }).toCompletableFuture();

    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(new Answer("abc"));
    long done = System.nanoTime() - start;
    assertThat(events).containsExactly("\"a\"", "keep-alive", "\"b\"", "\"c\"");
    assertThat(at.get(0)).isGreaterThanOrEqualTo(millis(100));
    assertThat(at.get(1)).isGreaterThanOrEqualTo(millis(150));
    assertThat(at.get(2)).isGreaterThanOrEqualTo(millis(200));
    // three units: 0.1 + 3 * 0.05
    assertThat(done).isGreaterThanOrEqualTo(millis(250));
    assertThat(machine.inUse(TASK_ID)).isZero();
  }

  @Test
  void aStream_onAFullMachine_isShedBeforeAnyChunk() {
    Machine machine = new Machine("box", 1);
    assertThat(machine.tryAcquire(TASK_ID)).isTrue();
    Backend timed = timed(new BurstBackend(), machine, new ServiceModel.Times(0.1, 0.05));
    List<byte[]> chunks = Collections.synchronizedList(new ArrayList<>());

    CompletableFuture<TaskAnswer> answer =
        timed.stream(new Request("abc"), chunks::add).toCompletableFuture();

    assertThat(answer).isCompletedExceptionally();
    assertThat(chunks).isEmpty();
    assertThat(machine.inUse(TASK_ID)).isEqualTo(1);
  }

  @Test
  void whetherTheReceiverIsOpen_isAskedOfTheOuterSink() throws Exception {
    Machine machine = new Machine("box", 1);
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    Backend asking = new Backend() {
      @Override
      public CompletionStage<TaskAnswer> serve(TaskRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
        seen.complete(sink.open());
        return CompletableFuture.completedFuture(new Answer(""));
      }
    };
    Backend timed = timed(asking, machine, new ServiceModel.Times(0.01, 0));
    timed.stream(new Request(""), new ChunkSink() {
      @Override
      public void chunk(byte[] json) {}

      @Override
      public boolean open() {
        return false;
      }
    }).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(seen.get()).isFalse();
  }

  private Backend timed(Backend inner, Machine machine, ServiceModel.Times times) {
    return new ServiceTimeBackend(inner, TASK, machine, times, timer);
  }

  private static long millis(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  /** Streams each character of the request as a chunk at once, a keep-alive after the first. */
  private static final class BurstBackend implements Backend {
    @Override
    public CompletionStage<TaskAnswer> serve(TaskRequest request) {
      return CompletableFuture.completedFuture(new Answer(((Request) request).text()));
    }

    @Override
    public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
      String text = ((Request) request).text();
      for (int i = 0; i < text.length(); i++) {
        sink.chunk(("\"" + text.charAt(i) + "\"").getBytes(StandardCharsets.UTF_8));
        if (i == 0) {
          sink.keepAlive();
        }
      }
      return CompletableFuture.completedFuture(new Answer(text));
    }
  }

  /** One work unit per character of the answer. */
  private static final class CharacterTask implements Task {
    @Override
    public TaskSpec spec() {
      return new TaskSpec("test", "test-1", 1_000, 1);
    }

    @Override
    public long estimateUnits(TaskRequest request) {
      return ((Request) request).text().length();
    }

    @Override
    public byte[] minerRequestBody(TaskRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public TaskAnswer readAnswer(TaskRequest request, byte[] body) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long units(TaskRequest request, TaskAnswer answer) {
      return ((Answer) answer).text().length();
    }

    @Override
    public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SyntheticGenerator syntheticGenerator() {
      throw new UnsupportedOperationException();
    }
  }
}
