package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.miner.sim.MinerSpecs;
import io.assay.miner.sim.ServiceModel;
import io.assay.miner.sim.SimulatedFleet;
import io.assay.task.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Synthetic answers of every task kind are checked by the checking server embedded in the
 * gateway, and the quality shows in {@code GET /admin/miners}: high for honest miners, low for
 * miners answering with random content or another model's. A zk proof that does not verify is
 * refused by the gateway before it is ever an answer (SCORING.md section 7: a failed request),
 * so a cheater's zk task shows only failures and earns nothing.
 */
class CheckedQualityIntegrationTest {

  @Test
  void checkedQuality_separatesHonestMinersFromRandomAndOtherModelOnes() throws Exception {
    GatewayConfig config = ConfigFiles.load(null, Map.of()).withPort(0)
        .withPeriod(Duration.ofSeconds(10));
    var specs = MinerSpecs.parse("honest:2,random-output:1,other-model:1");
    try (Devnet devnet = Devnet.start(config, TestDevnets.tempDir("assay-checked"), specs,
        new SimulatedFleet(specs, ServiceModel.sharedBy(specs.size()), config.period()))) {
      HttpClient http = HttpClient.newHttpClient();
      String base = devnet.info().baseUrl().replace("/v1", "");
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
          .untilAsserted(() -> {
            http.send(HttpRequest.newBuilder(URI.create(base + "/admin/weights/compute"))
                .header("Authorization", "Bearer " + devnet.info().adminKey())
                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/admin/miners"))
                    .header("Authorization", "Bearer " + devnet.info().adminKey()).build(),
                HttpResponse.BodyHandlers.ofString());
            JsonNode miners = Json.MAPPER.readTree(response.body()).path("miners");
            for (JsonNode miner : miners) {
              boolean honest = miner.path("name").asText().startsWith("honest");
              var tasks = miner.path("tasks").fields();
              while (tasks.hasNext()) {
                var entry = tasks.next();
                JsonNode task = entry.getValue();
                JsonNode quality = task.path("quality");
                if (!honest && entry.getKey().startsWith("zk-proof/")) {
                  // No proof of theirs ever verified, so none was an answer to check.
                  assertThat(quality.isNull()).as(miner.toString()).isTrue();
                  assertThat(task.path("task_score").asDouble()).as(miner.toString()).isZero();
                  continue;
                }
                assertThat(quality.isNumber()).as(miner + " not yet checked").isTrue();
                if (honest) {
                  assertThat(quality.asDouble()).as(miner.toString()).isGreaterThan(0.8);
                } else {
                  assertThat(quality.asDouble()).as(miner.toString()).isLessThan(0.2);
                }
              }
            }
          });
    }
  }
}
