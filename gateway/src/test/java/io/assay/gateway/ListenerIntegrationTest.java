package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.config.ConfigException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The public listener: request ids on every answer, and who may read {@code /metrics}. */
class ListenerIntegrationTest {

  private static Gateway gateway;
  private static String root;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Path dir = TestDevnets.tempDir("assay-listener");
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_GATEWAY_METRICS_TOKEN", "s3cret"))
        .withPort(0).withDataDir(dir);
    gateway = Gateway.builder(config).miners(List.of()).start();
    root = gateway.baseUrl().replace("/v1", "");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void metrics_needTheConfiguredToken() throws Exception {
    assertThat(get("/metrics", null).statusCode()).isEqualTo(403);
    assertThat(get("/metrics", "Bearer wrong").statusCode()).isEqualTo(403);
    HttpResponse<String> allowed = get("/metrics", "Bearer s3cret");
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.body()).contains("assay_");
  }

  @Test
  void everyAnswer_namesItsRequest_andAClientsOwnIdIsKept() throws Exception {
    HttpResponse<String> plain = get("/health/live", null);
    assertThat(plain.headers().firstValue("X-Request-Id")).get().asString()
        .matches("req_[0-9a-f]{24}");
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(root + "/nowhere"))
        .header("X-Request-Id", "trace-42").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("X-Request-Id")).hasValue("trace-42");
    HttpResponse<String> odd = http.send(HttpRequest.newBuilder(URI.create(root + "/health/live"))
        .header("X-Request-Id", "x".repeat(500)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(odd.headers().firstValue("X-Request-Id")).get().asString().startsWith("req_");
  }

  @Test
  void aTooShortIdleTimeout_isRefusedByName() {
    Executable load = () -> ConfigFiles.load(null, Map.of("ASSAY_GATEWAY_IDLE_TIMEOUT", "0s"));
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        load);
    assertThat(e.getMessage()).contains("gateway.idle_timeout");
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
