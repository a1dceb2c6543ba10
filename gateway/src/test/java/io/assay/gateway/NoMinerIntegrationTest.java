package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.devnet.Devnet;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** When no miner can serve, users get 503 in OpenAI's shape with Retry-After, not a hang. */
class NoMinerIntegrationTest {

  @Test
  void noMinerLeft_returns503WithRetryAfter() throws Exception {
    try (Devnet devnet = TestDevnets.start(TestDevnets.tempDir("assay-no-miner"), 1)) {
      devnet.miners().get(0).close();
      HttpResponse<String> response = GatewayHttp.embed(devnet, "anyone there?");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      OpenAiConformanceIntegrationTest.assertOpenAiErrorShape(response.body());
    }
  }
}
