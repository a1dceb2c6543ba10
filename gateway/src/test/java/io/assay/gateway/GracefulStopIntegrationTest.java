package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: stopping the gateway (SIGTERM runs {@link Gateway#close}) refuses new connections at
 * once, lets a request under way finish, and is done within 5 s.
 */
class GracefulStopIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  @Test
  void aRequestUnderWay_finishes_whileNewConnectionsAreRefused() throws Exception {
    CompletableFuture<Void> called = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    LlmTestGateway test = LlmTestGateway.start("assay-stop", SPEC, 4,
        reference -> Map.of("held", new Backend() {
          @Override
          public CompletionStage<TaskAnswer> serve(TaskRequest request) {
            called.complete(null);
            return release.thenCompose(v -> reference.serve(request));
          }
        }));
    Gateway gateway = test.gateway;
    try {
      String key = test.apiKey;
      // HTTP/1.1, as OpenAI clients speak to a plain-text server (no h2c upgrade).
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      CompletableFuture<HttpResponse<String>> underWay = http.sendAsync(HttpRequest.newBuilder(
              URI.create(gateway.baseUrl() + "/chat/completions"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"reference-lm\",\"max_tokens\":4,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      called.get(30, TimeUnit.SECONDS);

      long start = System.nanoTime();
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(gateway::close);
      String health = gateway.baseUrl().replace("/v1", "/health/live");
      Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> refused(health));
      release.complete(null);

      HttpResponse<String> answer = underWay.get(10, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      stopped.get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      release.complete(null);
      test.close();
    }
  }

  private static boolean refused(String url) {
    try {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (Exception e) {
      return e.getCause() instanceof ConnectException;
    }
  }
}
