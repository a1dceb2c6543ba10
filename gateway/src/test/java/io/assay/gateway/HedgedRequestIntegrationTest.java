package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * sent to another miner and the first answer wins; the frozen miner's own attempt runs on, so
 * when it answers late it is a late success, not a failure the gateway made up.
 */
class HedgedRequestIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  @Test
  void requestsOnAFrozenMiner_areAnsweredByAnother_andItsLateAnswersStillCount()
      throws Exception {
    AtomicBoolean frozen = new AtomicBoolean();
    List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
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
        }))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 60; i++) { // answer times for the hedge delay
        assertThat(chat(http, test)).isEqualTo(200);
      }
      frozen.set(true);

      int served = 0;
      while (held.size() < 3 && served < 60) {
        long start = System.nanoTime();
        assertThat(chat(http, test)).isEqualTo(200);
        // well inside routing.miner_timeout (60 s), which is what users waited before
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        served++;
      }
      assertThat(held).as("requests routed to the frozen miner").hasSizeGreaterThanOrEqualTo(3);

      String frozenKey = test.miners.stream().filter(m -> m.name().equals("frozen"))
          .findFirst().orElseThrow().hotkey().value();
      held.forEach(thaw -> thaw.complete(null));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<RequestOutcome> late = outcomes(test, frozenKey).stream()
            .filter(o -> o.seconds() >= 0.9).toList();
        assertThat(late).hasSizeGreaterThanOrEqualTo(held.size());
        assertThat(late).allMatch(o -> o.outcome() == RequestOutcome.Outcome.SUCCESS);
      });
    }
  }

  private static List<RequestOutcome> outcomes(LlmTestGateway test, String miner) {
    return test.gateway.call(() -> test.gateway.events().readAll(), "events").stream()
        .map(e -> e.event())
        .filter(e -> e instanceof RequestOutcome o && o.miner().equals(miner))
        .map(e -> (RequestOutcome) e).toList();
  }

  private static int chat(HttpClient http, LlmTestGateway test) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(test.gateway.baseUrl()
            + "/chat/completions"))
        .header("Authorization", "Bearer " + test.apiKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"reference-lm\",\"max_tokens\":4,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
