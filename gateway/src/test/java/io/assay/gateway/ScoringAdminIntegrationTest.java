package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.audit.AuditFiles;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's view of scoring: the admin API (miners, weights, history, task weights), task
 * weights changed through the API and the file, and the event log exported and recomputed bit
 * for bit.
 */
class ScoringAdminIntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void adminApi_showsMinersWeightsAndTaskWeights_andExportRecomputesBitForBit() throws Exception {
    Path dir = TestDevnets.tempDir("assay-scoring");
    // No checking server here, so that "not yet checked" stays visible.
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_CHECKING_EMBEDDED", "false"))
        .withTasksOf(java.util.Set.of("llm", "embeddings")).withPort(0);
    try (Devnet devnet = Devnet.start(config, dir, 2)) {
      String admin = devnet.info().adminKey();
      assertThat(call(devnet, "GET", "/admin/miners", null, null).statusCode()).isEqualTo(401);
      assertThat(call(devnet, "GET", "/admin/miners", devnet.info().apiKey(), null).statusCode())
          .isEqualTo(403);

      for (int i = 0; i < 6; i++) {
        assertThat(GatewayHttp.embed(devnet, "scored request " + i).statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HttpResponse<String> computed = call(devnet, "POST", "/admin/weights/compute", admin, "");
        assertThat(computed.statusCode()).isEqualTo(200);
        JsonNode weights = Json.MAPPER.readTree(computed.body()).path("weights");
        assertThat(weights.size()).isEqualTo(2);
        // Nothing is verified yet (no answer checked, no period completed): nobody earns.
        for (JsonNode w : weights) {
          assertThat(w.asDouble()).isZero();
        }
      });

      JsonNode miners = json(call(devnet, "GET", "/admin/miners", admin, null)).path("miners");
      assertThat(miners.size()).isEqualTo(2);
      JsonNode task = miners.get(0).path("tasks").path("embeddings/all-MiniLM-L6-v2");
      assertThat(task.path("declared").asLong()).isPositive();
      assertThat(task.path("concurrency").asInt()).isPositive();
      assertThat(task.path("asked").asLong()).isPositive();
      assertThat(task.has("period_score")).isTrue();
      assertThat(task.has("verified_volume")).isTrue();
      assertThat(task.path("quality").isNull()).as("not yet checked is not a perfect score")
          .isTrue();
      assertThat(task.path("checked").asInt()).isZero();
      assertThat(task.path("task_score").isNumber()).isTrue();

      HttpResponse<String> changed = call(devnet, "PUT", "/admin/task-weights", admin,
          "{\"weights\":{\"llm/reference-lm\":0.25,\"embeddings/all-MiniLM-L6-v2\":0.75}}");
      assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
      assertRefused(devnet, admin, "{\"weights\":{\"llm/reference-lm\":0.5,\"image/x\":0.5}}",
          "image/x");
      assertRefused(devnet, admin,
          "{\"weights\":{\"llm/reference-lm\":-0.5,\"embeddings/all-MiniLM-L6-v2\":1.5}}",
          "llm/reference-lm");
      assertRefused(devnet, admin,
          "{\"weights\":{\"llm/reference-lm\":0.5,\"embeddings/all-MiniLM-L6-v2\":0.6}}",
          "sum to 1");
      JsonNode current = json(call(devnet, "GET", "/admin/task-weights", admin, null));
      assertThat(current.path("weights").path("embeddings/all-MiniLM-L6-v2").asDouble())
          .isEqualTo(0.75);

      JsonNode after = json(call(devnet, "POST", "/admin/weights/compute", admin, ""));
      assertThat(after.path("weights").size()).isEqualTo(2);
      assertThat(devnet.gateway().weights().latest().taskWeights())
          .containsEntry("embeddings/all-MiniLM-L6-v2", 0.75);
      JsonNode history = json(call(devnet, "GET", "/admin/weights/history", admin, null));
      assertThat(history.path("history").size()).isGreaterThanOrEqualTo(2);
    }

    Path audit = dir.resolve("events.jsonl");
    long exported = AuditFiles.export(config.redisUrl(),
        dir.toAbsolutePath(), config.withDataDir(dir.toAbsolutePath()).archiveDir(), audit);
    assertThat(exported).isGreaterThan(6);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int status = AuditFiles.recompute(audit,
        new PrintStream(printed, true, StandardCharsets.UTF_8));
    String report = printed.toString(StandardCharsets.UTF_8);
    assertThat(status).as(report).isZero();
    assertThat(report).contains("0 differ").doesNotContain("DIFFERS");
    assertThat(Files.readAllLines(audit)).anyMatch(l -> l.contains("task_weights_changed"));
  }

  private static void assertRefused(Devnet devnet, String admin, String body, String named)
      throws Exception {
    HttpResponse<String> refused = call(devnet, "PUT", "/admin/task-weights", admin, body);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(refused.body()).path("error").path("message").asText())
        .contains(named);
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return Json.MAPPER.readTree(response.body());
  }

  private static HttpResponse<String> call(Devnet devnet, String method, String path, String key,
      String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create(devnet.info().baseUrl().replace("/v1", "") + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
