package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a miner that freezes (it accepts requests and never answers, as under SIGSTOP) loses
 * them to a healthy miner after the task's first-byte deadline, learnt from recent answers,
 * instead of holding users for the whole miner timeout (60 s).
 */
class FrozenMinerIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 100_000_000, 128);

  @Test
  void requestsOnAFrozenMiner_moveToAHealthyOne_withinSeconds() throws Exception {
    AtomicBoolean frozen = new AtomicBoolean();
    AtomicInteger frozenCalls = new AtomicInteger();
    CompletableFuture<TaskAnswer> never = new CompletableFuture<>();
    try (LlmTestGateway test = LlmTestGateway.start("assay-frozen", SPEC, 16,
        reference -> Map.of("steady", reference, "freezing", new Backend() {
          @Override
          public CompletionStage<TaskAnswer> serve(TaskRequest request) {
            if (frozen.get()) {
              frozenCalls.incrementAndGet();
              return never;
            }
            return reference.serve(request);
          }
        }))) {
      Gateway gateway = test.gateway;
      String key = test.apiKey;
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 30; i++) { // both healthy: the task's answer times are learnt
        assertThat(ask(http, gateway, key).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }

      frozen.set(true);
      long start = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> asked = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        asked.add(ask(http, gateway, key));
      }
      for (CompletableFuture<HttpResponse<String>> a : asked) {
        HttpResponse<String> r = a.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Assay-Miner")).hasValue("steady");
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.println("frozen miner: " + frozenCalls.get() + " requests moved, all answered in "
          + took.toMillis() + " ms");
      assertThat(frozenCalls.get()).as("requests that met the frozen miner").isPositive();
      assertThat(took).isLessThan(Duration.ofSeconds(15)); // the miner timeout is 60 s
    }
  }

  private static CompletableFuture<HttpResponse<String>> ask(HttpClient http, Gateway gateway,
      String key) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
            + "/chat/completions"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"reference-lm\",\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
