package io.assay.checking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.metrics.ScrapedMetrics;
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
      HttpResponse<String> text = ScrapedMetrics.scrapeText(http, URI.create(base + "/metrics"),
          null);
      assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
      assertThat(text.body())
          .contains("# TYPE assay_checks_total counter")
          .contains("# TYPE assay_check_duration_seconds histogram");
      ScrapedMetrics metrics = ScrapedMetrics.scrape(http, URI.create(base + "/metrics"), null);
      assertThat(metrics.value("assay_checks_total", "task", FakeKind.TASK, "outcome", "checked"))
          .isEqualTo(1);
      assertThat(metrics.type("assay_checks_total")).isEqualTo("counter");
      assertThat(metrics.type("assay_check_duration_seconds"))
          .isEqualTo("histogram");
      assertThat(ScrapedMetrics.scrapeText(http, URI.create(base + "/metrics"),
          ScrapedMetrics.OPENMETRICS).body())
          .contains("# UNIT assay_check_duration_seconds seconds");
      assertThat(metrics.count("assay_check_duration_seconds", "task", FakeKind.TASK))
          .isEqualTo(1);
      assertThat(metrics.labelValues("assay_check_dead_letters_total", "reason"))
          .containsExactlyInAnyOrderElementsOf(CheckingMetrics.DEAD_LETTER_REASONS);
      assertThat(metrics.value("assay_check_dead_letters_total")).isZero();
      assertThat(metrics.value("assay_check_claimed_total")).isZero();
      assertThat(metrics.value("assay_checks_in_flight")).isZero();
      // The queue as Redis holds it: the one entry was checked, so nothing is left.
      assertThat(metrics.type("assay_check_queue_entries")).isEqualTo("gauge");
      assertThat(metrics.value("assay_check_queue_entries")).isZero();
      assertThat(metrics.value("assay_check_queue_delivered_entries")).isZero();
      assertThat(metrics.value("assay_check_dead_letter_entries")).isZero();
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
