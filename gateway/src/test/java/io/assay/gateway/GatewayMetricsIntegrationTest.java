package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.metrics.ScrapedMetrics;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} after real traffic: a gateway in front of two reference miners serves
 * whole and streamed chats, every answer checked by the embedded checking server, and its
 * scrape, parsed by the Prometheus client's own classes, shows what happened under the
 * conventional names, types and units.
 */
class GatewayMetricsIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);
  private static final String TASK = "llm/reference-lm";
  private static final String CHAT = "/v1/chat/completions";
  private static final int WHOLE = 3;
  private static final int STREAMED = 2;

  private static LlmTestGateway test;
  private static URI metrics;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void serveSomeRequests() throws Exception {
    test = LlmTestGateway.start("assay-metrics", Map.of("ASSAY_SYNTHETIC_ENABLED", "false",
            "ASSAY_CHECKING_ORGANIC_SHARE", "1"), null, SPEC, 4,
        reference -> Map.of("alpha", reference, "beta", reference));
    for (int i = 0; i < WHOLE; i++) {
      assertThat(test.chat("Say something " + i, 8, false).statusCode()).isEqualTo(200);
    }
    for (int i = 0; i < STREAMED; i++) {
      HttpResponse<String> streamed = test.chat("Stream something " + i, 8, true);
      assertThat(streamed.statusCode()).isEqualTo(200);
      assertThat(streamed.body()).contains("[DONE]");
    }
    metrics = URI.create(test.gateway.baseUrl().replace("/v1", "") + "/metrics");
  }

  @AfterAll
  static void stop() {
    test.close();
  }

  @Test
  void servedRequests_showInRequestCountsDurationsAndUsage() throws Exception {
    int served = WHOLE + STREAMED;
    // A request is counted when its answer has ended, which the client may see first.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape()
        .value("assay_http_requests_total", "route", CHAT, "status", "200")).isEqualTo(served));
    ScrapedMetrics m = scrape();

    assertThat(m.type("assay_http_requests_total")).isEqualTo("counter");
    assertThat(m.type("assay_http_request_duration_seconds")).isEqualTo("histogram");
    assertThat(m.count("assay_http_request_duration_seconds", "route", CHAT,
        "status_class", "2xx")).isEqualTo(served);
    assertThat(m.sum("assay_http_request_duration_seconds", "route", CHAT)).isPositive();

    assertThat(m.type("assay_task_request_duration_seconds")).isEqualTo("histogram");
    assertThat(m.count("assay_task_request_duration_seconds", "task", TASK)).isEqualTo(served);
    assertThat(m.count("assay_stream_time_to_first_chunk_seconds", "task", TASK))
        .isEqualTo(STREAMED);

    assertThat(m.type("assay_tokens_total")).isEqualTo("counter");
    assertThat(m.value("assay_tokens_total", "task", TASK, "direction", "input")).isPositive();
    assertThat(m.value("assay_tokens_total", "task", TASK, "direction", "output"))
        .isPositive();
    assertThat(m.value("assay_work_units_total", "task", TASK)).isPositive();

    assertThat(m.type("assay_api_requests_in_flight")).isEqualTo("gauge");
    assertThat(m.value("assay_api_requests_in_flight")).isZero();
  }

  @Test
  void minerCalls_andDeclarations_areShownPerMinerAndTask() throws Exception {
    ScrapedMetrics m = scrape();
    assertThat(m.type("assay_miner_calls_total")).isEqualTo("counter");
    assertThat(m.value("assay_miner_calls_total", "task", TASK, "outcome", "success"))
        .isEqualTo(WHOLE + STREAMED);
    assertThat(m.labelValues("assay_miner_calls_total", "miner")).isSubsetOf("alpha", "beta");

    for (String miner : new String[] {"alpha", "beta"}) {
      assertThat(m.value("assay_capacity_declared_work_units", "miner", miner, "task", TASK))
          .isEqualTo(SPEC.maxCapacity());
      assertThat(m.value("assay_capacity_declared_concurrency", "miner", miner, "task", TASK))
          .isEqualTo(4);
      assertThat(m.value("assay_capacity_in_flight_requests", "miner", miner, "task", TASK))
          .isZero();
    }
    assertThat(m.type("assay_capacity_consumed_work_units")).isEqualTo("gauge");
    assertThat(m.value("assay_capacity_consumed_work_units", "task", TASK)).isPositive();
  }

  @Test
  void checksAndWeights_showOnceCheckedAndComputed() throws Exception {
    // Every answer is checked by the embedded server; a weight computation reads the verdicts.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      test.gateway.call(() -> test.gateway.weights().compute(), "compute the weights");
      assertThat(scrape().value("assay_check_verdicts_total", "task", TASK, "verdict", "scored"))
          .isEqualTo(WHOLE + STREAMED);
    });
    ScrapedMetrics m = scrape();
    assertThat(m.type("assay_check_verdicts_total")).isEqualTo("counter");
    assertThat(m.count("assay_check_quality", "task", TASK)).isEqualTo(WHOLE + STREAMED);
    // The embedded checking server's own series are in the same registry.
    assertThat(m.value("assay_checks_total", "task", TASK, "outcome", "checked"))
        .isEqualTo(WHOLE + STREAMED);
    assertThat(m.count("assay_check_duration_seconds", "task", TASK)).isPositive();
    // The queue as Redis holds it, read at scrape time: every answer has its verdict.
    assertThat(m.type("assay_check_queue_entries")).isEqualTo("gauge");
    assertThat(m.value("assay_check_queue_entries")).isZero();
    assertThat(m.value("assay_check_pending_answers")).isZero();
    assertThat(m.value("assay_check_dead_letter_entries")).isZero();

    assertThat(m.type("assay_miner_weight")).isEqualTo("gauge");
    assertThat(m.labelValues("assay_miner_weight", "miner")).containsExactlyInAnyOrder("alpha",
        "beta");
    assertThat(m.value("assay_miner_weight")).isBetween(0.0, 1.0);
    assertThat(m.value("assay_weights_computed_timestamp_seconds"))
        .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
  }

  @Test
  void theTextFormats_areTheLibrarysByAcceptHeader_withUnits() throws Exception {
    HttpResponse<String> text = ScrapedMetrics.scrapeText(http, metrics, null);
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.headers().firstValue("Content-Type")).hasValue(
        "text/plain; version=0.0.4; charset=utf-8");
    assertThat(text.body())
        .contains("# TYPE assay_http_request_duration_seconds histogram")
        .contains("# TYPE assay_miner_calls_total counter")
        .contains("assay_http_requests_total{route=\"" + CHAT + "\",status=\"200\"}");

    HttpResponse<String> open = ScrapedMetrics.scrapeText(http, metrics,
        ScrapedMetrics.OPENMETRICS);
    assertThat(open.headers().firstValue("Content-Type")).get().asString()
        .startsWith("application/openmetrics-text; version=1.0.0");
    assertThat(open.body())
        .contains("# UNIT assay_http_request_duration_seconds seconds")
        .contains("# UNIT assay_task_request_duration_seconds seconds")
        .contains("# UNIT assay_stream_time_to_first_chunk_seconds seconds")
        .endsWith("# EOF\n");
  }

  private ScrapedMetrics scrape() throws Exception {
    return ScrapedMetrics.scrape(http, metrics, null);
  }
}
