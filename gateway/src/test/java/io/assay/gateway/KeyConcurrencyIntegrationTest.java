package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.auth.ApiKey;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 2: one API key holding requests open cannot take the gateway from other users:
 * past {@code gateway.max_requests_in_flight_per_key} it gets 429, other keys are served, and a
 * slot comes back when a request ends or its client goes away.
 */
class KeyConcurrencyIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  @Test
  void aKeyPastItsRequestsInFlight_gets429_whileAnotherKeyIsServed() throws Exception {
    List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    try (LlmTestGateway test = LlmTestGateway.start("assay-key-concurrency",
        Map.of("ASSAY_GATEWAY_MAX_REQUESTS_IN_FLIGHT_PER_KEY", "2",
            "ASSAY_SYNTHETIC_ENABLED", "false"), null, SPEC, 16,
        reference -> Map.of("only", new Backend() {
          @Override
          public CompletionStage<TaskAnswer> serve(TaskRequest request) {
            if (!request.toString().contains("hold")) {
              return reference.serve(request);
            }
            CompletableFuture<Void> release = new CompletableFuture<>();
            held.add(release);
            return release.thenCompose(v -> reference.serve(request));
          }
        }))) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      CompletableFuture<HttpResponse<String>> first = send(http, test, test.apiKey, "hold");
      CompletableFuture<HttpResponse<String>> second = send(http, test, test.apiKey, "hold");
      await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == 2);

      HttpResponse<String> third = send(http, test, test.apiKey, "now").get(30, TimeUnit.SECONDS);
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(third.body()).contains("in flight").contains("\"type\"");
      String other = test.gateway.call(
          () -> test.gateway.keys().create("other", ApiKey.Role.USER, 0), "key");
      assertThat(send(http, test, other, "now").get(30, TimeUnit.SECONDS).statusCode())
          .as("another key").isEqualTo(200);

      held.forEach(r -> r.complete(null));
      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(send(http, test, test.apiKey, "now").get(30, TimeUnit.SECONDS).statusCode())
          .as("slots given back when requests end").isEqualTo(200);

      // A client that gives up gives its slot back too.
      CompletableFuture<HttpResponse<String>> abandoned = send(http, test, test.apiKey, "hold");
      CompletableFuture<HttpResponse<String>> kept = send(http, test, test.apiKey, "hold");
      await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == 4);
      abandoned.cancel(true);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
          send(http, test, test.apiKey, "now").get(30, TimeUnit.SECONDS).statusCode())
          .isEqualTo(200));
      held.forEach(r -> r.complete(null));
      assertThat(kept.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  private static CompletableFuture<HttpResponse<String>> send(HttpClient http,
      LlmTestGateway test, String key, String content) {
    return http.sendAsync(HttpRequest.newBuilder(URI.create(test.gateway.baseUrl()
            + "/chat/completions"))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"reference-lm\",\"max_tokens\":4,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
