package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.RestartableRedis;
import io.assay.task.Json;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 2: a key's limits hold exactly across three gateways sharing one Redis: requests
 * per minute (exactly the limit admitted, whichever gateways the requests reach), units per minute
 * and the prepaid balance (refused on every gateway once the shared count or balance says so).
 * The gateways' clock stands still, so no minute ends during a test unless the test moves it.
 */
class KeyLimitsAcrossGatewaysIntegrationTest {

  /** Credits per million units: 100 millionths of a credit per unit. */
  private static final double PRICE = 100;
  /** Into a minute, so the 429s' Retry-After is known: 40 s to the next minute. */
  private static final long START = (System.currentTimeMillis() / 60_000) * 60_000 + 20_000;

  private static RestartableRedis server;
  private static GatewayFleet fleet;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;

  @BeforeAll
  static void start() throws Exception {
    server = RestartableRedis.start(TestDevnets.tempDir("assay-limits-redis"));
    fleet = GatewayFleet.start(server.url(), 3, 2, START, PRICE);
    client = RedisClient.create(server.url());
    connection = client.connect();
  }

  @AfterAll
  static void stop() {
    if (connection != null) {
      connection.close();
      client.shutdown();
    }
    if (fleet != null) {
      fleet.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void requestsPerMinute_threeGatewaysAdmitExactlyTheLimit() throws Exception {
    String key = fleet.createKey("sixty", new ApiKeys.Limits(60, 0, null));
    long retryAfter = (60_000 - fleet.clock.millis() % 60_000 + 999) / 1000;

    List<CompletableFuture<HttpResponse<String>>> sent = IntStream.range(0, 150)
        .mapToObj(i -> fleet.modelsAsync(i % 3, key)).toList();
    List<HttpResponse<String>> answers = sent.stream().map(CompletableFuture::join).toList();

    List<HttpResponse<String>> refused = answers.stream()
        .filter(r -> r.statusCode() == 429).toList();
    assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSize(60);
    assertThat(refused).hasSize(90);
    for (HttpResponse<String> r : refused) {
      assertThat(r.headers().firstValue("Retry-After")).hasValue(Long.toString(retryAfter));
      assertThat(GatewayHttp.json(r).path("error").path("code").asText())
          .isEqualTo("rate_limit_exceeded");
    }
    assertThat(redis().hget(window(key), "requests")).as("refusals leave no count")
        .isEqualTo("60");

    fleet.advance(60_000);
    for (int i = 0; i < 3; i++) {
      assertThat(fleet.models(i, key).statusCode()).as("gateway %d, the next minute", i)
          .isEqualTo(200);
    }
  }

  @Test
  void unitsPerMinute_everyGatewayRefusesOnceTheSharedCountReachesTheLimit() throws Exception {
    String key = fleet.createKey("hundred-units", new ApiKeys.Limits(0, 100, null));
    List<Long> units = new ArrayList<>();
    HttpResponse<String> answer = servedUntilRefused(key, units, () -> {
      long served = units.stream().mapToLong(Long::longValue).sum();
      String counted = redis().hget(window(key), "units");
      return counted != null && Long.parseLong(counted) == served;
    });

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
    assertThat(answer.body()).contains("units").contains("rate_limit_exceeded");
    assertThat(answer.headers().firstValue("Retry-After")).isPresent();
    long served = units.stream().mapToLong(Long::longValue).sum();
    assertThat(served).as("admitted while below the limit").isGreaterThanOrEqualTo(100);
    assertThat(served - units.get(units.size() - 1)).as("the last one admitted was below it")
        .isLessThan(100);
    for (int i = 0; i < 3; i++) {
      assertThat(fleet.chat(i, key, 16).statusCode()).as("gateway %d", i).isEqualTo(429);
    }
  }

  @Test
  void aBalance_isSpentOnceAcrossGateways_andRefusedOnEveryGatewayWhenUsedUp() throws Exception {
    long credit = 5_000; // millionths of a credit: 50 units at the price
    String key = fleet.createKey("metered", new ApiKeys.Limits(0, 0, credit));
    List<Long> units = new ArrayList<>();
    HttpResponse<String> answer = servedUntilRefused(key, units, () -> {
      long charged = units.stream().mapToLong(u -> Math.round(u * PRICE)).sum();
      return Long.parseLong(redis().get(Keys.credit(ApiKeys.hash(key)))) == credit - charged;
    });

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
    assertThat(GatewayHttp.json(answer).path("error").path("code").asText())
        .isEqualTo("insufficient_quota");
    long charged = units.stream().mapToLong(u -> Math.round(u * PRICE)).sum();
    long last = Math.round(units.get(units.size() - 1) * PRICE);
    assertThat(credit - charged).as("admitted while above 0").isLessThanOrEqualTo(0);
    assertThat(credit - charged + last).as("the last one admitted was above 0").isPositive();
    for (int i = 0; i < 3; i++) {
      assertThat(fleet.chat(i, key, 16).statusCode()).as("gateway %d", i).isEqualTo(429);
    }
  }

  /**
   * Sends chat completions with {@code key} to the gateways in turn until one is refused, noting
   * each answer's units; after each, waits until {@code counted} (the shared tally has its units:
   * they are counted once served).
   */
  private static HttpResponse<String> servedUntilRefused(String key, List<Long> units,
      java.util.concurrent.Callable<Boolean> counted) throws Exception {
    for (int i = 0; i < 60; i++) {
      HttpResponse<String> answer = fleet.chat(i % 3, key, 16);
      if (answer.statusCode() != 200) {
        return answer;
      }
      JsonNode usage = Json.MAPPER.readTree(answer.body()).path("usage");
      units.add(usage.path("completion_tokens").asLong());
      await().atMost(Duration.ofSeconds(10)).until(counted);
    }
    throw new AssertionError("never refused after 60 requests: units " + units);
  }

  private static String window(String key) {
    return Keys.limitWindow(ApiKeys.hash(key), fleet.clock.millis() / 60_000);
  }

  private static RedisCommands<String, String> redis() {
    return connection.sync();
  }
}
