package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.auth.ApiKey;
import io.assay.task.Json;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 2, budgets: a key with a prepaid balance is charged the task's price per unit
 * served (streams included), gets OpenAI's 429 {@code insufficient_quota} once it is used up,
 * serves again when topped up; a units-per-minute limit holds; usage shows by day and task; all
 * through the operator API, by the key's prefix.
 */
class KeyBudgetIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);
  /** Credits per million units: 100 millionths of a credit per unit. */
  private static final double PRICE = 100;

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aMeteredKey_isCharged_refusedWhenEmpty_andServedWhenToppedUp() throws Exception {
    try (LlmTestGateway test = LlmTestGateway.start("assay-budget",
        Map.of("ASSAY_SYNTHETIC_ENABLED", "false"), null, SPEC, 8,
        reference -> Map.of("only", reference), m -> "http://127.0.0.1:" + m.port(),
        config -> config.withTasks("llm", t -> t.withPrice(PRICE)))) {
      String admin = test.gateway.call(
          () -> test.gateway.keys().create("ops", ApiKey.Role.ADMIN, 0), "admin key");
      JsonNode created = admin(test, admin, "POST", "/admin/keys",
          "{\"name\":\"metered\",\"credit\":0.02}");
      String key = created.path("key").asText();
      String prefix = key.substring(0, 13);
      assertThat(created.path("credit").asDouble()).isEqualTo(0.02);

      assertThat(test.chat(key, "hi", 64, false).statusCode()).isEqualTo(200);
      assertThat(test.chat(key, "hi", 64, true).statusCode()).as("a stream").isEqualTo(200);
      // A request is at most 64 units, so 0.02 credits (200 units) pay for both and are soon
      // used up; requests are admitted while the balance is above 0.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        HttpResponse<String> refused = test.chat(key, "hi", 64, false);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(Json.MAPPER.readTree(refused.body()).path("error").path("code").asText())
            .isEqualTo("insufficient_quota");
      });
      JsonNode shown = admin(test, admin, "GET", "/admin/keys/" + prefix, null);
      assertThat(shown.path("credit").asDouble()).isLessThanOrEqualTo(0);
      JsonNode today = shown.path("usage_by_day")
          .path(LocalDate.now(ZoneOffset.UTC).toString()).path("llm/reference-lm");
      assertThat(today.path("requests").asInt()).as(shown.toString()).isGreaterThanOrEqualTo(2);
      assertThat(today.path("charged").asDouble())
          .isCloseTo(today.path("units").asDouble() * PRICE / 1e6,
              org.assertj.core.data.Offset.offset(1e-9));

      admin(test, admin, "PATCH", "/admin/keys/" + prefix, "{\"add_credit\":1}");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(test.chat(key, "hi", 64, false).statusCode()).isEqualTo(200));

      admin(test, admin, "PATCH", "/admin/keys/" + prefix, "{\"units_per_minute\":1}");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        HttpResponse<String> limited = test.chat(key, "hi", 64, false);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("units").contains("rate_limit_exceeded");
      });

      JsonNode listed = admin(test, admin, "GET", "/admin/keys", null);
      assertThat(listed.toString()).contains("metered").contains(prefix).doesNotContain(key);
      assertThat(admin(test, admin, "DELETE", "/admin/keys/" + prefix, null)
          .path("revoked").asText()).isEqualTo(prefix);
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
          assertThat(test.chat(key, "hi", 64, false).statusCode()).isEqualTo(401));
      assertThat(raw(test, admin, "PATCH", "/admin/keys/" + prefix, "{\"credit\":-1}")
          .statusCode()).as("a bad value is checked before the key").isEqualTo(400);
      assertThat(raw(test, admin, "GET", "/admin/keys/sk-assay-none", null).statusCode())
          .isEqualTo(404);
    }
  }

  private JsonNode admin(LlmTestGateway test, String admin, String method, String path,
      String body) throws Exception {
    HttpResponse<String> r = raw(test, admin, method, path, body);
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 201);
    return Json.MAPPER.readTree(r.body());
  }

  private HttpResponse<String> raw(LlmTestGateway test, String admin, String method,
      String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(test.gateway.baseUrl()
            .replace("/v1", "") + path))
        .header("Authorization", "Bearer " + admin)
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
