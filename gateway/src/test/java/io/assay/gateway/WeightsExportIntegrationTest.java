package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.state.Keys;
import io.assay.gateway.weights.WeightsCommands;
import io.assay.gateway.weights.WeightsExport;
import io.assay.protocol.Identity;
import io.assay.task.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 7, weights out: the latest computation as a chain client's {@code set_weights}
 * takes it, uids ascending with u16 weights (the largest 65535), signed by the validator; from
 * {@code GET /admin/weights/export} and from {@code weights export} beside the running gateway.
 */
class WeightsExportIntegrationTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void export_isSigned_followsTheU16Rule_andLeavesOutMinersWithoutUid() {
    Identity validator = Identity.generate();
    WeightsExport export = WeightsExport.of(report(), 19, 7, validator);

    assertThat(export.netuid()).isEqualTo(19);
    assertThat(export.versionKey()).isEqualTo(7);
    assertThat(export.uids()).containsExactly(3, 5, 9); // 9: the burn uid
    assertThat(export.weights()).hasSameSizeAs(export.uids()).contains(65535)
        .allSatisfy(w -> assertThat(w).isBetween(0, 65535));
    assertThat(export.weights()).containsExactly(65535, 21845, 1000);
    assertThat(export.unmapped()).containsExactly("hotkey-no-uid");
    assertThat(export.verify()).isTrue();
    List<Integer> bent = new ArrayList<>(export.weights());
    bent.set(1, bent.get(1) + 1);
    assertThat(new WeightsExport(export.netuid(), export.versionKey(), export.validator(),
        export.computedAt(), export.uids(), bent, export.unmapped(), export.signature())
        .verify()).as("a changed weight").isFalse();
    assertThat(new WeightsExport(export.netuid(), export.versionKey(),
        Identity.generate().hotkey().value(), export.computedAt(), export.uids(),
        export.weights(), export.unmapped(), export.signature()).verify())
        .as("another validator").isFalse();
  }

  @Test
  void adminRouteAndCommand_exportTheLatestComputation() throws Exception {
    GatewayConfig config = ConfigFiles.load(null, Map.of("ASSAY_WEIGHTS_NETUID", "19"))
        .withPort(0).withDataDir(TestDevnets.tempDir("assay-weights-export"));
    try (Gateway gateway = Gateway.builder(config).miners(List.of()).start()) {
      String admin = gateway.call(() -> gateway.keys().create("ops", ApiKey.Role.ADMIN, 0), "key");
      assertThat(get(gateway, admin).statusCode()).as("nothing computed yet").isEqualTo(409);
      gateway.redis().commands().set(Keys.weightsLatest(), Json.MAPPER.writeValueAsString(report()))
          .get(10, TimeUnit.SECONDS);
      gateway.call(() -> gateway.weights().loadLatest(), "load the weights");

      HttpResponse<String> served = get(gateway, admin);
      assertThat(served.statusCode()).isEqualTo(200);
      WeightsExport fromApi = Json.MAPPER.readValue(served.body(), WeightsExport.class);
      assertThat(fromApi.verify()).isTrue();
      assertThat(fromApi.validator()).isEqualTo(gateway.hotkey().value());

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(WeightsCommands.export(config.redisUrl(), config.dataDir(),
          config.identityFile(), 19, 0, new PrintStream(out, true), System.err)).isZero();
      WeightsExport fromCommand = Json.MAPPER.readValue(out.toString(), WeightsExport.class);
      assertThat(fromCommand.verify()).isTrue();
      assertThat(fromCommand.uids()).isEqualTo(fromApi.uids());
      assertThat(fromCommand.weights()).isEqualTo(fromApi.weights());
    }
    JsonNode unset = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(
            TestDevnets.shared().info().baseUrl().replace("/v1", "/admin/weights/export")))
        .header("Authorization", "Bearer " + TestDevnets.shared().info().adminKey()).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    assertThat(unset.path("error").path("code").asText()).isEqualTo("not_configured");
  }

  /** Three miners (one without a uid) and a burn uid, u16 weights already computed. */
  private static WeightReport report() {
    Map<String, Double> weights = new TreeMap<>(Map.of("hotkey-a", 0.6, "hotkey-b", 0.2,
        "hotkey-no-uid", 0.19));
    Map<String, Integer> u16 = new TreeMap<>(Map.of("hotkey-a", 65535, "hotkey-b", 21845,
        "hotkey-no-uid", 20752));
    Map<String, Integer> uids = new TreeMap<>(Map.of("hotkey-a", 3, "hotkey-b", 5));
    return new WeightReport(1_765_000_000_000L, 42, new TreeMap<>(Map.of("llm/x", 1.0)),
        new TreeMap<>(), new TreeMap<>(weights), new TreeMap<>(u16), new TreeMap<>(uids), 9, 0.01,
        1000);
  }

  private HttpResponse<String> get(Gateway gateway, String admin) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl().replace("/v1",
        "/admin/weights/export"))).header("Authorization", "Bearer " + admin).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
