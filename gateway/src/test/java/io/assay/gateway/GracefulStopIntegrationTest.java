package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.config.GatewayConfig.MinerEntry;
import io.assay.miner.Miner;
import io.assay.miner.TaskOffer;
import io.assay.miner.Workers;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.llm.LlmKind;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: stopping the gateway (SIGTERM runs {@link Gateway#close}) refuses new connections at
 * once, lets a request under way finish, and is done within 5 s.
 */
class GracefulStopIntegrationTest {

  private static final LlmKind KIND = new LlmKind();
  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);

  @Test
  void aRequestUnderWay_finishes_whileNewConnectionsAreRefused() throws Exception {
    ExecutorService workers = Workers.inference();
    CompletableFuture<Void> called = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    Backend reference = KIND.referenceBackend(SPEC, workers).orElseThrow();
    Backend held = new Backend() {
      @Override
      public CompletionStage<TaskAnswer> serve(TaskRequest request) {
        called.complete(null);
        return release.thenCompose(v -> reference.serve(request));
      }
    };
    Path dir = TestDevnets.tempDir("assay-stop");
    GatewayConfig config = ConfigFiles.load(null, Map.of()).withPort(0).withDataDir(dir);
    Identity validator = Identity.loadOrCreate(config.identityFile());
    Miner miner = Miner.builder().name("held").identity(Identity.generate())
        .acceptValidators(validator.hotkey()::equals)
        .offer(new TaskOffer(KIND, SPEC, held, 1_000_000, 4)).build();
    miner.start().toCompletableFuture().join();
    Gateway gateway = Gateway.builder(config).miners(List.of(new MinerEntry("held",
        "http://127.0.0.1:" + miner.port(), miner.hotkey().value()))).start();
    try {
      String key = gateway.call(() -> gateway.keys().create("k", ApiKey.Role.USER, 0), "key");
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
      gateway.close();
      miner.close();
      workers.shutdownNow();
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
