package io.assay.gateway;

import static io.assay.gateway.GatewayHttp.json;
import static io.assay.gateway.GatewayHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.state.PrivateRedis;
import io.assay.task.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 6: an image handed out by URL through one gateway is served by every gateway
 * sharing its Redis, byte for byte; with Redis away, handing out and fetching fail as 503s in
 * OpenAI's shape, with {@code Retry-After}.
 */
class FilesAcrossGatewaysIntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String DRAW = "{\"model\":\"reference-image\",\"prompt\":\"a kite over"
      + " dunes\",\"size\":\"256x256\",\"steps\":2,\"seed\":11,\"response_format\":\"%s\"}";

  @Test
  void anImageByUrlFromGatewayA_isServedByteExactByGatewayB_andBothAnswer503WithRedisAway()
      throws Exception {
    Path dir = TestDevnets.tempDir("assay-files-across");
    PrivateRedis redis = PrivateRedis.start(dir.resolve("redis"));
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_REDIS_URL", redis.url(),
            "ASSAY_CHECKING_EMBEDDED", "false", "ASSAY_SYNTHETIC_ENABLED", "false"))
        .withTasksOf(Set.of("image")).withPort(0);
    try (Devnet a = Devnet.start(config, dir.resolve("a"), 1);
        Gateway b = Gateway.builder(config.withDataDir(dir.resolve("b"))).miners(List.of())
            .start()) {
      HttpResponse<String> inline = post(a, "/images/generations", DRAW.formatted("b64_json"));
      assertThat(inline.statusCode()).as(inline.body()).isEqualTo(200);
      byte[] drawn = Base64.getDecoder().decode(
          json(inline).path("data").path(0).path("b64_json").asText());

      HttpResponse<String> byUrl = post(a, "/images/generations", DRAW.formatted("url"));
      assertThat(byUrl.statusCode()).as(byUrl.body()).isEqualTo(200);
      URI url = URI.create(json(byUrl).path("data").path(0).path("url").asText());
      assertThat(url.getPort()).isEqualTo(a.gateway().port());
      URI atB = URI.create("http://127.0.0.1:" + b.port() + url.getPath());

      HttpResponse<byte[]> file = get(atB);
      assertThat(file.statusCode()).isEqualTo(200);
      assertThat(file.body()).isEqualTo(drawn);
      assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");
      assertThat(file.headers().firstValue("Cache-Control").orElseThrow())
          .matches("private, max-age=(3599|3600)");
      assertThat(get(url).body()).isEqualTo(drawn);

      redis.close();

      HttpResponse<String> unpublished = post(a, "/images/generations", DRAW.formatted("url"));
      assertUnavailable(unpublished.statusCode(), unpublished.headers(), unpublished.body(),
          "handed out by URL");
      HttpResponse<byte[]> unfetched = get(atB);
      assertUnavailable(unfetched.statusCode(), unfetched.headers(), new String(unfetched.body(),
          StandardCharsets.UTF_8), "Files are temporarily unavailable");
    } finally {
      redis.close();
    }
  }

  /** A 503 in OpenAI's shape, no stack trace, saying {@code why}. */
  private static void assertUnavailable(int status, HttpHeaders headers, String body, String why)
      throws Exception {
    assertThat(status).as(body).isEqualTo(503);
    assertThat(headers.firstValue("Retry-After")).hasValueSatisfying(
        s -> assertThat(Long.parseLong(s)).isPositive());
    JsonNode error = Json.MAPPER.readTree(body).path("error");
    assertThat(error.path("type").asText()).isEqualTo("service_unavailable");
    assertThat(error.path("message").asText()).contains(why).doesNotContain("Exception");
  }

  private static HttpResponse<byte[]> get(URI url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
