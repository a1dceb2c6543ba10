package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.RestartableRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 5, limits: while Redis is away a key that needs the shared counters gets 503 with
 * {@code Retry-After} in OpenAI's error shape, a key without limits is still served from its
 * cached record, and when Redis is back (restarted on its port, with its append-only file) the
 * limited key is admitted again without a gateway restart and its count is what was admitted.
 */
class RedisAwayAdmissionIntegrationTest {

  @Test
  void redisAway_limitedKeyGets503_unlimitedKeyServed_andAdmissionRecovers() throws Exception {
    try (RestartableRedis server = RestartableRedis.start(TestDevnets.tempDir("assay-away"));
        GatewayFleet fleet = GatewayFleet.start(server.url(), 1, 1,
            System.currentTimeMillis(), 0)) {
      String limited = fleet.createKey("limited", new ApiKeys.Limits(5, 0, null));
      String unlimited = fleet.createKey("unlimited", new ApiKeys.Limits(0, 0, null));
      assertThat(fleet.chat(0, limited, 4).statusCode()).isEqualTo(200);
      assertThat(fleet.chat(0, limited, 4).statusCode()).isEqualTo(200);
      assertThat(fleet.chat(0, unlimited, 4).statusCode()).isEqualTo(200);

      server.stop();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(fleet.chat(0, limited, 4).statusCode()).isEqualTo(503));
      HttpResponse<String> away = fleet.chat(0, limited, 4);
      assertThat(away.statusCode()).isEqualTo(503);
      assertThat(away.headers().firstValue("Retry-After")).isPresent();
      JsonNode error = GatewayHttp.json(away).path("error");
      assertThat(error.path("type").asText()).isEqualTo("service_unavailable");
      assertThat(error.path("message").asText()).isNotBlank();
      assertThat(error.has("param")).isTrue();
      assertThat(error.path("code").asText()).isEqualTo("service_unavailable");
      HttpResponse<String> served = fleet.chat(0, unlimited, 4);
      assertThat(served.statusCode()).as(served.body()).isEqualTo(200);

      server.restart();
      await().atMost(Duration.ofSeconds(45)).untilAsserted(() ->
          assertThat(fleet.chat(0, limited, 4).statusCode()).isEqualTo(200));
      int admitted = 3;
      while (fleet.chat(0, limited, 4).statusCode() == 200) {
        admitted++;
        assertThat(admitted).as("admitted past the limit").isLessThanOrEqualTo(5);
      }
      assertThat(admitted).as("the 503s were not counted").isEqualTo(5);

      RedisClient client = RedisClient.create(server.url());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().hget(Keys.limitWindow(ApiKeys.hash(limited),
            fleet.clock.millis() / 60_000), "requests")).isEqualTo("5");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(c.sync()
            .hget(Keys.usage(ApiKeys.hash(unlimited)), "requests"))
            .as("the usage served while away is written once it is back").isEqualTo("2"));
      } finally {
        client.shutdown();
      }
    }
  }
}
