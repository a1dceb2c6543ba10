package io.assay.checking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.task.TaskKinds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HealthServerIntegrationTest {

  private static TestRedis redis;

  @BeforeAll
  static void startRedis() {
    redis = TestRedis.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void healthAndMetrics_reportTheService() throws Exception {
    redis.queue("one", 0.5);
    CheckingService service = CheckingService.start(
        CheckingOptions.defaults(redis.url()).withConsumerName("h").withPort(0),
        TaskKinds.of(FakeKind.scoring()));
    try (HealthServer health = HealthServer.start("127.0.0.1", 0, service)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + health.port();

      assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/health/ready").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> service.metrics().checks(FakeKind.TASK, "checked") == 1);
      HttpResponse<String> metrics = get(http, base + "/metrics");
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain"));
      assertThat(metrics.body())
          .contains("assay_checks_total{task=\"fake/ref\",outcome=\"checked\"} 1")
          .contains("# TYPE assay_check_dead_letters_total counter")
          .contains("# TYPE assay_checker_failures_total counter")
          .contains("assay_check_claimed_total 0");
      assertThat(get(http, base + "/nope").statusCode()).isEqualTo(404);

      service.stop(Duration.ZERO);
      assertThat(get(http, base + "/health/ready").statusCode()).isEqualTo(503);
      assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
    } finally {
      service.stop(Duration.ZERO);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
