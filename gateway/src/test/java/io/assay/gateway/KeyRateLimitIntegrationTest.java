package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import io.assay.gateway.devnet.Devnet;
import io.assay.task.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A key over its requests-per-minute limit gets 429 with Retry-After. */
class KeyRateLimitIntegrationTest {

  @Test
  void keyOverItsLimit_gets429WithRetryAfter() throws Exception {
    Devnet devnet = TestDevnets.shared();
    HttpResponse<String> created = createKey(devnet,
        "{\"name\":\"limited\",\"requests_per_minute\":2}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String key = Json.MAPPER.readTree(created.body()).path("key").asText();
    OpenAIClient client = OpenAIOkHttpClient.builder()
        .baseUrl(devnet.info().baseUrl()).apiKey(key).maxRetries(0).build();

    // Five requests in a row: with two allowed per minute, at least one is refused even if a
    // minute boundary falls between them.
    RateLimitException refused = null;
    for (int i = 0; i < 5 && refused == null; i++) {
      try {
        client.models().list();
      } catch (RateLimitException e) {
        refused = e;
      }
    }
    assertThat(refused).isNotNull();
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().values("Retry-After")).isNotEmpty();
    assertThat(refused.code()).contains("rate_limit_exceeded");
  }

  @Test
  void badLimits_areRefusedNamingTheirParameter() throws Exception {
    Devnet devnet = TestDevnets.shared();
    for (String limit : new String[] {"-1", "1.5", "\"ten\"", "1e12"}) {
      HttpResponse<String> refused = createKey(devnet,
          "{\"name\":\"bad\",\"requests_per_minute\":" + limit + "}");
      assertThat(refused.statusCode()).as(limit).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(refused.body()).path("error").path("param").asText())
          .as(limit).isEqualTo("requests_per_minute");
    }
    HttpResponse<String> nameless = createKey(devnet, "{\"requests_per_minute\":1}");
    assertThat(Json.MAPPER.readTree(nameless.body()).path("error").path("param").asText())
        .isEqualTo("name");
  }

  @Test
  void userKeys_cannotReachTheOperatorApi_norAdminKeysTheUserApi() throws Exception {
    Devnet devnet = TestDevnets.shared();
    String root = devnet.info().baseUrl().replace("/v1", "");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> userOnAdmin = http.send(HttpRequest.newBuilder(
            URI.create(root + "/admin/miners"))
        .header("Authorization", "Bearer " + devnet.info().apiKey()).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> adminOnUser = http.send(HttpRequest.newBuilder(
            URI.create(devnet.info().baseUrl() + "/models"))
        .header("Authorization", "Bearer " + devnet.info().adminKey()).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(userOnAdmin.statusCode()).isEqualTo(403);
    assertThat(adminOnUser.statusCode()).isEqualTo(403);
    assertThat(adminOnUser.body()).contains("/admin");
  }

  private static HttpResponse<String> createKey(Devnet devnet, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(devnet.info().baseUrl().replace("/v1", "") + "/admin/keys"))
        .header("Authorization", "Bearer " + devnet.info().adminKey())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
