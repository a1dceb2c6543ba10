package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4: a frozen miner does not keep users waiting for the miner timeout. Past a
 * delay drawn from the task's recent answer times, a user's request still unanswered is also
 * sent to another miner and the first answer wins, for whole answers and for streams (by their
 * first chunk); the frozen miner's own attempt runs on, so when it answers late it is a late
 * success (a late stream, no longer wanted, is left like a user leaving), not a failure the
 * gateway made up.
 */
class HedgedRequestIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  @Test
  void requestsOnAFrozenMiner_areAnsweredByAnother_andItsLateAnswersStillCount()
      throws Exception {
    AtomicBoolean frozen = new AtomicBoolean();
    List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    List<CompletableFuture<Void>> heldStreams = new CopyOnWriteArrayList<>();
    try (LlmTestGateway test = LlmTestGateway.start("assay-hedge",
        Map.of("ASSAY_SYNTHETIC_ENABLED", "false"), null, SPEC, 16,
        reference -> Map.of("healthy", reference, "frozen", new Backend() {
          @Override
          public CompletionStage<TaskAnswer> serve(TaskRequest request) {
            if (!frozen.get()) {
              return reference.serve(request);
            }
            CompletableFuture<Void> thaw = new CompletableFuture<>();
            held.add(thaw);
            return thaw.thenCompose(v -> reference.serve(request));
          }

          @Override
          public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
            if (!frozen.get()) {
              return reference.stream(request, sink);
            }
            CompletableFuture<Void> thaw = new CompletableFuture<>();
            heldStreams.add(thaw);
            return thaw.thenCompose(v -> reference.stream(request, sink));
          }
        }))) {
      for (int i = 0; i < 60; i++) { // answer and first-chunk times for the hedge delays
        assertThat(test.chat("hi", 4, false).statusCode()).isEqualTo(200);
        assertThat(test.chat("hi", 4, true).body()).endsWith("data: [DONE]\n\n");
      }
      frozen.set(true);

      int served = 0;
      while (held.size() < 3 && served < 60) {
        long start = System.nanoTime();
        assertThat(test.chat("hi", 4, false).statusCode()).isEqualTo(200);
        // well inside routing.miner_timeout (60 s), which is what users waited before
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        served++;
      }
      assertThat(held).as("requests routed to the frozen miner").hasSizeGreaterThanOrEqualTo(3);
      int streams = 0;
      while (heldStreams.size() < 3 && streams < 60) {
        long start = System.nanoTime();
        assertThat(test.chat("hi", 4, true).body()).endsWith("data: [DONE]\n\n");
        // well inside stream.ttft_max (30 s), which is what users waited before
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        streams++;
      }
      assertThat(heldStreams).as("streams routed to the frozen miner")
          .hasSizeGreaterThanOrEqualTo(3);

      String frozenKey = test.miners.stream().filter(m -> m.name().equals("frozen"))
          .findFirst().orElseThrow().hotkey().value();
      held.forEach(thaw -> thaw.complete(null));
      heldStreams.forEach(thaw -> thaw.complete(null));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<RequestOutcome> late = outcomes(test, frozenKey).stream()
            .filter(o -> o.seconds() >= 0.9).toList();
        assertThat(late).hasSize(held.size() + heldStreams.size());
        // Late whole answers are late successes; late streams, no longer wanted, are left
        // like a user leaving, not failed.
        assertThat(late).filteredOn(o -> o.outcome() == RequestOutcome.Outcome.SUCCESS)
            .hasSize(held.size());
        assertThat(late).filteredOn(o -> o.outcome() == RequestOutcome.Outcome.ABANDONED)
            .hasSize(heldStreams.size());
      });
    }
  }

  private static List<RequestOutcome> outcomes(LlmTestGateway test, String miner) {
    return test.gateway.call(() -> test.gateway.events().readAll(), "events").stream()
        .map(e -> e.event())
        .filter(e -> e instanceof RequestOutcome o && o.miner().equals(miner))
        .map(e -> (RequestOutcome) e).toList();
  }
}
