package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard without a browser: its page and assets are served without a key, with their
 * content types and a strict Content-Security-Policy, while every admin JSON route still needs
 * the admin key; and the endpoints it reads: the preview of task weights (which applies nothing),
 * the task-weight changes, the score history and the traffic by minute.
 */
class DashboardIntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String LLM = "llm/reference-lm";
  private static final String EMB = "embeddings/all-MiniLM-L6-v2";

  private static Devnet devnet;
  private static String admin;

  @BeforeAll
  static void start() {
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_CHECKING_EMBEDDED", "false"))
        .withTasksOf(Set.of("llm", "embeddings")).withPort(0);
    try {
      devnet = Devnet.start(config, TestDevnets.tempDir("assay-dashboard"), 2);
    } catch (Exception e) {
      throw new IllegalStateException("devnet did not start: " + e.getMessage(), e);
    }
    admin = devnet.info().adminKey();
  }

  @AfterAll
  static void stop() {
    if (devnet != null) {
      devnet.close();
    }
  }

  @Test
  void page_isServedWithoutAKey_underAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> page = call("GET", "/admin/", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.body()).contains("<script type=\"module\" src=\"ui/app.js\"></script>",
        "id=\"login-form\"");
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>").matcher(page.body()).find())
        .as("an inline script").isFalse();
    assertThat(page.body()).doesNotContain(" style=", "<style", "//cdn", "http://", "https://");

    HttpResponse<String> bare = call("GET", "/admin", null, null);
    assertThat(bare.statusCode()).isEqualTo(301);
    assertThat(bare.headers().firstValue("Location")).hasValue("/admin/");
  }

  @Test
  void assets_comeWithTheirContentTypes_andNothingElseIsServed() throws Exception {
    Map<String, String> types = Map.of(
        "app.js", "text/javascript; charset=utf-8",
        "views.js", "text/javascript; charset=utf-8",
        "charts.js", "text/javascript; charset=utf-8",
        "style.css", "text/css; charset=utf-8",
        "icon.svg", "image/svg+xml");
    for (Map.Entry<String, String> e : types.entrySet()) {
      HttpResponse<String> asset = call("GET", "/admin/ui/" + e.getKey(), null, null);
      assertThat(asset.statusCode()).as(e.getKey()).isEqualTo(200);
      assertThat(asset.headers().firstValue("Content-Type")).as(e.getKey()).hasValue(e.getValue());
      assertThat(asset.headers().firstValue("Content-Security-Policy")).isPresent();
      assertThat(asset.body()).isNotBlank();
    }
    assertThat(call("GET", "/admin/ui/app.js", null, null).body())
        .doesNotContain("http://", "https://", "eval(");

    String etag = call("GET", "/admin/ui/app.js", null, null).headers().firstValue("ETag")
        .orElseThrow();
    HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(uri("/admin/ui/app.js"))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);

    for (String path : List.of("/admin/ui/nothing.js", "/admin/ui/index.html",
        "/admin/ui/..%2F..%2Fpom.xml", "/admin/ui/")) {
      assertThat(call("GET", path, null, null).statusCode()).as(path).isIn(401, 404);
    }
  }

  @Test
  void everyJsonRoute_stillNeedsTheAdminKey() throws Exception {
    List<String[]> routes = List.of(
        new String[] {"GET", "/admin/miners"},
        new String[] {"GET", "/admin/weights"},
        new String[] {"GET", "/admin/weights/history"},
        new String[] {"POST", "/admin/weights/compute"},
        new String[] {"GET", "/admin/task-weights"},
        new String[] {"PUT", "/admin/task-weights"},
        new String[] {"POST", "/admin/task-weights/preview"},
        new String[] {"GET", "/admin/task-weights/changes"},
        new String[] {"GET", "/admin/scores/history"},
        new String[] {"GET", "/admin/traffic"},
        new String[] {"GET", "/admin/keys"},
        new String[] {"GET", "/admin/receipt-roots"},
        new String[] {"GET", "/admin/ui/../miners"});
    for (String[] route : routes) {
      String body = route[0].equals("GET") ? null : "{\"weights\":{}}";
      assertThat(call(route[0], route[1], null, body).statusCode())
          .as("%s %s without a key", route[0], route[1]).isEqualTo(401);
      assertThat(call(route[0], route[1], devnet.info().apiKey(), body).statusCode())
          .as("%s %s with a user key", route[0], route[1]).isEqualTo(403);
    }
  }

  @Test
  void preview_returnsTheWeightsThatWouldResult_andAppliesNothing() throws Exception {
    JsonNode computed = json(call("POST", "/admin/weights/compute", admin, ""));
    JsonNode before = json(call("GET", "/admin/task-weights", admin, null));
    int changesBefore = json(call("GET", "/admin/task-weights/changes", admin, null))
        .path("changes").size();

    JsonNode preview = json(call("POST", "/admin/task-weights/preview", admin,
        "{\"weights\":{\"" + LLM + "\":0.9,\"" + EMB + "\":0.1}}"));
    assertThat(preview.path("task_weights").path(LLM).asDouble()).isEqualTo(0.9);
    assertThat(preview.path("task_weights").path(EMB).asDouble()).isEqualTo(0.1);
    assertThat(preview.path("computed_at").asLong()).isGreaterThanOrEqualTo(
        computed.path("computed_at").asLong());
    List<String> hotkeys = devnet.gateway().directory().all().stream()
        .map(n -> n.hotkey()).toList();
    assertThat(fieldNames(preview.path("weights"))).containsExactlyInAnyOrderElementsOf(hotkeys);
    assertThat(fieldNames(preview.path("weights_u16"))).containsExactlyInAnyOrderElementsOf(hotkeys);
    assertThat(preview.path("latest").path("task_weights")).isEqualTo(before.path("weights"));

    // The current task weights give back the latest computation's weights exactly.
    JsonNode same = json(call("POST", "/admin/task-weights/preview", admin,
        Json.MAPPER.writeValueAsString(Map.of("weights", before.path("weights")))));
    assertThat(same.path("weights")).isEqualTo(same.path("latest").path("weights"));

    HttpResponse<String> refused = call("POST", "/admin/task-weights/preview", admin,
        "{\"weights\":{\"" + LLM + "\":0.5,\"" + EMB + "\":0.4}}");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("sum to 1");

    assertThat(json(call("GET", "/admin/task-weights", admin, null))).isEqualTo(before);
    assertThat(json(call("GET", "/admin/task-weights/changes", admin, null)).path("changes")
        .size()).isEqualTo(changesBefore);
    assertThat(devnet.gateway().taskWeights().current())
        .containsEntry(LLM, before.path("weights").path(LLM).asDouble());
  }

  @Test
  void taskWeightChanges_areListedNewestFirst_withTheirSource() throws Exception {
    HttpResponse<String> put = call("PUT", "/admin/task-weights", admin,
        "{\"weights\":{\"" + LLM + "\":0.3,\"" + EMB + "\":0.7}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    put = call("PUT", "/admin/task-weights", admin,
        "{\"weights\":{\"" + LLM + "\":0.6,\"" + EMB + "\":0.4}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

    JsonNode changes = json(call("GET", "/admin/task-weights/changes?limit=2", admin, null))
        .path("changes");
    assertThat(changes.size()).isEqualTo(2);
    JsonNode newest = changes.get(0);
    assertThat(newest.path("source").asText()).startsWith("api:");
    assertThat(newest.path("old").path(LLM).asDouble()).isEqualTo(0.3);
    assertThat(newest.path("now").path(LLM).asDouble()).isEqualTo(0.6);
    assertThat(newest.path("at").asLong()).isGreaterThanOrEqualTo(changes.get(1).path("at")
        .asLong());
    assertThat(call("GET", "/admin/task-weights/changes?limit=x", admin, null).statusCode())
        .isEqualTo(400);
  }

  @Test
  void scoreHistory_keepsEachComputationsQualityAndTaskScores() throws Exception {
    JsonNode computed = json(call("POST", "/admin/weights/compute", admin, ""));
    JsonNode history = json(call("GET", "/admin/scores/history?limit=1", admin, null))
        .path("history");
    assertThat(history.size()).isEqualTo(1);
    JsonNode newest = history.get(0);
    assertThat(newest.path("computed_at").asLong())
        .isEqualTo(computed.path("computed_at").asLong());
    for (JsonNode miner : json(call("GET", "/admin/miners", admin, null)).path("miners")) {
      JsonNode tasks = newest.path("miners").path(miner.path("hotkey").asText());
      assertThat(fieldNames(tasks)).as(miner.toString()).contains(EMB);
      assertThat(tasks.path(EMB).has("quality")).isTrue();
      assertThat(tasks.path(EMB).path("task_score").isNumber()).isTrue();
    }
  }

  @Test
  void traffic_countsUserRequestsByMinute_andNotTheOperators() throws Exception {
    long[] before = totals();
    for (int i = 0; i < 3; i++) {
      assertThat(GatewayHttp.embed(devnet, "traffic " + i).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> unauthorised = HTTP.send(HttpRequest.newBuilder(
            URI.create(devnet.info().baseUrl() + "/models")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unauthorised.statusCode()).isEqualTo(401);
    for (int i = 0; i < 3; i++) {
      call("GET", "/admin/weights", admin, null);
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      long[] after = totals();
      assertThat(after[0] - before[0]).as("requests").isEqualTo(4);
      assertThat(after[1] - before[1]).as("4xx").isEqualTo(1);
    });
    JsonNode minutes = json(call("GET", "/admin/traffic?minutes=2", admin, null)).path("minutes");
    assertThat(minutes.size()).isEqualTo(2);
    JsonNode last = minutes.get(1);
    assertThat(last.path("at").asLong() % 60_000).isZero();
    if (last.path("requests").asLong() > 0) {
      assertThat(last.path("p95_ms").asDouble()).isPositive();
      assertThat(last.path("mean_ms").asDouble()).isPositive();
    }
  }

  /** Requests and 4xx (429 included) of the last two hours. */
  private static long[] totals() throws Exception {
    long[] out = new long[2];
    for (JsonNode m : json(call("GET", "/admin/traffic?minutes=120", admin, null))
        .path("minutes")) {
      out[0] += m.path("requests").asLong();
      out[1] += m.path("client_errors").asLong() + m.path("rate_limited").asLong();
    }
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return Json.MAPPER.readTree(response.body());
  }

  private static URI uri(String path) {
    return URI.create(devnet.info().baseUrl().replace("/v1", "") + path);
  }

  private static HttpResponse<String> call(String method, String path, String key, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
