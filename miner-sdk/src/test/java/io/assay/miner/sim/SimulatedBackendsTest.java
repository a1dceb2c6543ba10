package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.miner.sim.TextTask.Answer;
import io.assay.miner.sim.TextTask.Request;
import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.embeddings.EmbeddingsAnswer;
import io.assay.task.embeddings.EmbeddingsRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each behaviour against small in-test backends; the llm behaviours are in LlmBehavioursTest. */
class SimulatedBackendsTest {

  private static final Request REQUEST = new Request("hi");
  private static final Backend ECHO =
      r -> CompletableFuture.completedFuture(new Answer(((Request) r).text()));

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ScheduledExecutorService work = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopExecutors() {
    timer.shutdownNow();
    work.shutdownNow();
  }

  @Test
  void honestAndOverclaim_answerWithTheHonestBackendItself() {
    assertThat(SimulatedBackends.wrap(Behaviour.HONEST, ECHO, null, null)).isSameAs(ECHO);
    assertThat(SimulatedBackends.wrap(Behaviour.OVERCLAIM, ECHO, null, null)).isSameAs(ECHO);
  }

  @Test
  void badProof_servesAndStreamsAnswersWithoutAProofHonestly() throws Exception {
    Backend bad = SimulatedBackends.wrap(Behaviour.BAD_PROOF, new ChunkingBackend(work, 2, 0),
        null, null);
    assertThat(bad.serve(REQUEST).toCompletableFuture().get()).isEqualTo(new Answer("n=2"));
    List<byte[]> chunks = Collections.synchronizedList(new ArrayList<>());
    assertThat(bad.stream(REQUEST, chunks::add).toCompletableFuture().get())
        .isEqualTo(new Answer("n=2"));
    assertThat(chunks).hasSize(2);
  }

  @Test
  void slow_needsATimer() {
    assertThatThrownBy(() -> SimulatedBackends.wrap(Behaviour.SLOW, ECHO, null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("timer");
  }

  // ---------------------------------------------------------------- slow

  @Test
  void slow_answersAtLeastFiveTimesLaterThanHonest() throws Exception {
    Backend honest = after(40, ECHO);
    long honestNanos = timed(() -> honest.serve(REQUEST));
    Backend slow = SimulatedBackends.wrap(Behaviour.SLOW, honest, timer, null);

    long start = System.nanoTime();
    CompletionStage<TaskAnswer> stage = slow.serve(REQUEST);
    assertThat(stage.toCompletableFuture()).isNotDone();
    assertThat(stage.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(new Answer("hi"));
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(5 * honestNanos);
  }

  @Test
  void slow_delaysFailuresToo() {
    Backend honest = after(30, r -> CompletableFuture.failedFuture(new TaskException("boom")));
    long honestNanos = timedFailure(() -> honest.serve(REQUEST));
    Backend slow = SimulatedBackends.wrap(Behaviour.SLOW, honest, timer, null);

    long slowNanos = timedFailure(() -> slow.serve(REQUEST));
    assertThat(slowNanos).isGreaterThanOrEqualTo(5 * honestNanos);
    assertThatThrownBy(() -> slow.serve(REQUEST).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TaskException.class)
        .hasMessageContaining("boom");
  }

  @Test
  void slowStream_delaysEveryChunkInOrderAndCompletesAfterTheLast() throws Exception {
    Backend honest = new ChunkingBackend(work, 3, 20);
    long honestFirst = firstChunkNanos(honest);
    Backend slow = SimulatedBackends.wrap(Behaviour.SLOW, honest, timer, null);

    List<String> chunks = Collections.synchronizedList(new ArrayList<>());
    long[] firstAt = {0};
    long start = System.nanoTime();
    CompletableFuture<Integer> chunksAtEnd = slow.stream(REQUEST, json -> {
      if (chunks.isEmpty()) {
        firstAt[0] = System.nanoTime() - start;
      }
      chunks.add(new String(json, StandardCharsets.UTF_8));
    }).toCompletableFuture().thenApply(answer -> chunks.size());

    assertThat(chunksAtEnd.get(10, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(chunks).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
    assertThat(firstAt[0]).isGreaterThanOrEqualTo(5 * honestFirst);
  }

  // ---------------------------------------------------------------- flaky

  @Test
  void flaky_failsAboutThirtyPercentOfRequests() {
    Backend flaky = SimulatedBackends.wrap(Behaviour.FLAKY, ECHO, null, new Random(42));
    AtomicInteger failed = new AtomicInteger();
    IntStream.range(0, 400).parallel().forEach(i -> {
      try {
        assertThat(flaky.serve(REQUEST).toCompletableFuture().get()).isEqualTo(new Answer("hi"));
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(TaskException.class)
            .hasMessage("simulated failure");
        failed.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    });
    assertThat(failed.get()).isBetween(80, 160);
  }

  @Test
  void flakyStream_failsBeforeAnyChunk() {
    Backend flaky = SimulatedBackends.wrap(Behaviour.FLAKY, new ChunkingBackend(work, 2, 0),
        null, new Random(7));
    int failures = 0;
    for (int i = 0; i < 40; i++) {
      List<byte[]> chunks = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<TaskAnswer> stage = flaky.stream(REQUEST, chunks::add)
          .toCompletableFuture();
      if (stage.isCompletedExceptionally()) {
        failures++;
        assertThat(chunks).isEmpty();
        assertThatThrownBy(stage::join).hasCauseInstanceOf(TaskException.class)
            .hasMessageContaining("simulated failure");
      } else {
        stage.join();
        assertThat(chunks).hasSize(2);
      }
    }
    assertThat(failures).isBetween(1, 39);
  }

  // ---------------------------------------------------------------- random output

  @Test
  void randomOutput_embeddingsKeepCountAndDimensionWithRandomUnitVectors() throws Exception {
    float[] axis = new float[16];
    axis[0] = 1;
    EmbeddingsAnswer honestAnswer = new EmbeddingsAnswer(List.of(axis, axis, axis), 7);
    Backend honest = r -> CompletableFuture.completedFuture(honestAnswer);
    Backend random = SimulatedBackends.wrap(Behaviour.RANDOM_OUTPUT, honest, null, new Random(3));

    EmbeddingsAnswer fake = (EmbeddingsAnswer) random.serve(EMBED).toCompletableFuture().get();
    EmbeddingsAnswer again = (EmbeddingsAnswer) random.serve(EMBED).toCompletableFuture().get();

    assertThat(fake.promptTokens()).isEqualTo(7);
    assertThat(fake.vectors()).hasSize(3);
    for (float[] v : fake.vectors()) {
      assertThat(v).hasSize(16);
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(v).isNotEqualTo(axis);
    }
    assertThat(fake).isNotEqualTo(honestAnswer).isNotEqualTo(again);
  }

  @Test
  void randomOutput_failsForAnswerTypesItCannotFake() {
    Backend random = SimulatedBackends.wrap(Behaviour.RANDOM_OUTPUT, ECHO, null, new Random(3));
    assertThatThrownBy(() -> random.serve(REQUEST).toCompletableFuture().get())
        .cause()
        .isInstanceOf(TaskException.class)
        .hasMessage("random-output is not simulated for " + Answer.class.getName());
    assertThatThrownBy(() -> random.stream(REQUEST, json -> { }).toCompletableFuture().get())
        .cause()
        .isInstanceOf(TaskException.class)
        .hasMessage("random-output is not simulated for " + Request.class.getName());
  }

  // ---------------------------------------------------------------- other model

  private static final EmbeddingsRequest EMBED =
      EmbeddingsRequest.of("all-MiniLM-L6-v2", List.of("the quick brown fox", "hello"));

  @Test
  void otherModel_embedsAPerturbedInputWithTheSameShape() throws Exception {
    List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
    Backend honest = r -> {
      EmbeddingsRequest e = (EmbeddingsRequest) r;
      seen.add(e.input());
      return CompletableFuture.completedFuture(new EmbeddingsAnswer(
          e.input().stream().map(text -> new float[] {text.length(), 1}).toList(), 5));
    };
    Backend other = SimulatedBackends.wrap(Behaviour.OTHER_MODEL, honest, null, null);

    EmbeddingsAnswer answer = (EmbeddingsAnswer) other.serve(EMBED).toCompletableFuture().get();

    assertThat(seen).containsExactly(List.of("fox brown quick the", "olleh"));
    assertThat(answer.vectors()).hasSize(2);
  }

  @Test
  void otherModel_perturbsEveryText() {
    assertThat(OtherModelBackend.perturb("a b c")).isEqualTo("c b a");
    assertThat(OtherModelBackend.perturb("word")).isEqualTo("drow");
    assertThat(OtherModelBackend.perturb("a")).isEqualTo("a again");
    assertThat(OtherModelBackend.perturb("")).isNotEmpty();
  }

  @Test
  void otherModel_failsForRequestTypesItCannotChange() {
    Backend other = SimulatedBackends.wrap(Behaviour.OTHER_MODEL, ECHO, null, null);
    assertThatThrownBy(() -> other.serve(REQUEST).toCompletableFuture().get())
        .cause()
        .isInstanceOf(TaskException.class)
        .hasMessage("other-model is not simulated for " + Request.class.getName());
  }

  // ---------------------------------------------------------------- go dark

  @Test
  void goDark_failsEveryRequestAsABackendFailure_withoutComputingIt() {
    AtomicInteger computed = new AtomicInteger();
    Backend counting = r -> {
      computed.incrementAndGet();
      return ECHO.serve(r);
    };
    Backend dark = SimulatedBackends.wrap(Behaviour.GO_DARK, counting, null, null);

    for (CompletionStage<TaskAnswer> stage : List.of(dark.serve(REQUEST),
        dark.stream(REQUEST, json -> { }))) {
      assertThatThrownBy(() -> stage.toCompletableFuture().get()).cause()
          .isInstanceOfSatisfying(TaskException.class, e -> assertThat(e.busy()).isFalse())
          .hasMessageContaining("go-dark");
    }
    assertThat(computed.get()).isZero();
  }

  // ---------------------------------------------------------------- staller

  @Test
  void staller_passesTheFirstChunkThenOnlyKeepAlives_untilTheReceiverIsGone() {
    Backend staller = SimulatedBackends.wrap(Behaviour.STALLER, new ChunkingBackend(work, 3, 0),
        timer, null);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean open = new AtomicBoolean(true);

    CompletableFuture<TaskAnswer> answer = staller.stream(REQUEST, new io.assay.task.ChunkSink() {
      @Override
      public void chunk(byte[] json) {
        events.add(new String(json, StandardCharsets.UTF_8));
      }

      @Override
      public void keepAlive() {
        events.add("keep-alive");
      }

      @Override
      public boolean open() {
        return open.get();
      }
    }).toCompletableFuture();

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
    assertThat(answer).isNotDone();
    assertThat(events.get(0)).isEqualTo("{\"n\":1}");
    assertThat(events.subList(1, events.size())).containsOnly("keep-alive");

    open.set(false);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
    assertThatThrownBy(answer::get).cause().isInstanceOf(TaskException.class)
        .hasMessageContaining("receiver is gone");
    assertThat(events).doesNotContain("{\"n\":2}", "{\"n\":3}");
  }

  @Test
  void staller_servesUnstreamedRequestsHonestly_andPassesAnEarlyStreamFailure() throws Exception {
    Backend staller = SimulatedBackends.wrap(Behaviour.STALLER, ECHO, timer, null);
    assertThat(staller.serve(REQUEST).toCompletableFuture().get()).isEqualTo(new Answer("hi"));
    // ECHO does not stream: it fails before any chunk, and so does the staller.
    assertThatThrownBy(() -> staller.stream(REQUEST, json -> { }).toCompletableFuture().get())
        .cause().isInstanceOf(TaskException.class).hasMessageContaining("does not stream");
    assertThatThrownBy(() -> SimulatedBackends.wrap(Behaviour.STALLER, ECHO, null, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("timer");
  }

  // ---------------------------------------------------------------- others

  @Test
  void earlyStop_servesOtherKindsHonestly() throws Exception {
    Backend early = SimulatedBackends.wrap(Behaviour.EARLY_STOP, ECHO, null, null);
    assertThat(early.serve(REQUEST).toCompletableFuture().get()).isEqualTo(new Answer("hi"));
  }

  @Test
  void detector_needsTheTask() {
    assertThatThrownBy(() -> SimulatedBackends.wrap(Behaviour.DETECTOR, ECHO, timer,
        new Random(1))).isInstanceOf(NullPointerException.class).hasMessageContaining("task");
  }

  @Test
  void lateSybilAndTimeshare_answerWithTheHonestBackendItself() {
    for (Behaviour b : List.of(Behaviour.LATE, Behaviour.SYBIL, Behaviour.TIMESHARE)) {
      assertThat(SimulatedBackends.wrap(b, ECHO, null, null)).isSameAs(ECHO);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** {@code backend}, answering {@code millis} later (on the work executor, not sleeping). */
  private Backend after(long millis, Backend backend) {
    return r -> {
      CompletableFuture<TaskAnswer> out = new CompletableFuture<>();
      work.schedule(() -> backend.serve(r).whenComplete((a, f) -> {
        if (f != null) {
          out.completeExceptionally(f);
        } else {
          out.complete(a);
        }
      }), millis, TimeUnit.MILLISECONDS);
      return out;
    };
  }

  private static long timed(java.util.function.Supplier<CompletionStage<TaskAnswer>> call)
      throws Exception {
    long start = System.nanoTime();
    call.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return System.nanoTime() - start;
  }

  private static long timedFailure(java.util.function.Supplier<CompletionStage<TaskAnswer>> call) {
    long start = System.nanoTime();
    assertThatThrownBy(() -> call.get().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    return System.nanoTime() - start;
  }

  private static long firstChunkNanos(Backend backend) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Long> first = new CompletableFuture<>();
    backend.stream(REQUEST, json -> first.complete(System.nanoTime() - start))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return first.get();
  }

  /** Streams {@code {"n":i}} chunks every {@code millis} on {@code work}, then completes. */
  private record ChunkingBackend(ScheduledExecutorService work, int chunks, long millis)
      implements Backend {

    @Override
    public CompletionStage<TaskAnswer> serve(TaskRequest request) {
      return CompletableFuture.completedFuture(new Answer("n=" + chunks));
    }

    @Override
    public CompletionStage<TaskAnswer> stream(TaskRequest request, io.assay.task.ChunkSink sink) {
      CompletableFuture<TaskAnswer> done = new CompletableFuture<>();
      send(1, sink, done);
      return done;
    }

    private void send(int n, io.assay.task.ChunkSink sink, CompletableFuture<TaskAnswer> done) {
      if (n > chunks) {
        done.complete(new Answer("n=" + chunks));
        return;
      }
      Runnable next = () -> {
        sink.chunk(("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
        send(n + 1, sink, done);
      };
      if (millis == 0) {
        next.run();
      } else {
        work.schedule(next, millis, TimeUnit.MILLISECONDS);
      }
    }
  }
}
