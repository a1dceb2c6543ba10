package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.metrics.ScrapedMetrics;
import io.assay.protocol.Identity;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A miner's {@code GET /metrics}: its requests by task and outcome, how long answers took, and
 * its declaration, consumption and requests in flight; loopback clients only, unless a token
 * is set.
 */
class MinerMetricsIntegrationTest {

  private static final String TASK = "echo/echo-1";
  private final Identity validator = Identity.generate();
  private final HttpClient http = HttpClient.newHttpClient();
  private Miner miner;

  @AfterEach
  void stop() {
    if (miner != null) {
      miner.close();
    }
  }

  private void start(String token) {
    miner = Miner.builder().name("metered").identity(Identity.generate())
        .acceptValidators(validator.hotkey()::equals)
        .metricsToken(token)
        // 12 units of echo a period: a failure (its units given back), two answers of five
        // letters, then refusals
        .offer(new TaskOffer(new EchoKind(), new TaskSpec("echo", "echo-1", 12, 1),
            EchoKind.backend(text -> text.equals("crash")
                ? CompletableFuture.failedFuture(new IllegalStateException("backend down"))
                : CompletableFuture.completedFuture(text)), 12, 2))
        .build();
    miner.start().toCompletableFuture().join();
  }

  private URI metrics() {
    return URI.create("http://127.0.0.1:" + miner.port() + "/metrics");
  }

  @Test
  void requests_areCountedByOutcome_andTheLedgerIsShown() throws Exception {
    start(null);
    ValidatorClient client = new ValidatorClient(validator, miner);
    assertThat(client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "crash")).statusCode())
        .isEqualTo(502);
    assertThat(client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "hello")).statusCode())
        .isEqualTo(200);
    assertThat(client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "world")).statusCode())
        .isEqualTo(200);
    assertThat(client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "again")).statusCode())
        .isEqualTo(429);

    ScrapedMetrics m = ScrapedMetrics.scrape(http, metrics(), null);
    assertThat(m.type("assay_miner_requests_total")).isEqualTo("counter");
    assertThat(m.value("assay_miner_requests_total", "task", TASK, "outcome", "answered"))
        .isEqualTo(2);
    assertThat(m.value("assay_miner_requests_total", "task", TASK, "outcome", "failed"))
        .isEqualTo(1);
    assertThat(m.value("assay_miner_requests_total", "task", TASK, "outcome", "refused"))
        .isEqualTo(1);
    assertThat(m.type("assay_miner_request_duration_seconds")).isEqualTo("histogram");
    assertThat(m.count("assay_miner_request_duration_seconds", "task", TASK)).isEqualTo(2);
    assertThat(m.value("assay_miner_requests_in_flight", "task", TASK)).isZero();
    assertThat(m.value("assay_miner_declared_work_units", "task", TASK)).isEqualTo(12);
    // the failed request gave its units back
    assertThat(m.value("assay_miner_consumed_work_units", "task", TASK)).isEqualTo(10);
    assertThat(m.value("assay_miner_max_concurrency", "task", TASK)).isEqualTo(2);

    HttpResponse<String> open = ScrapedMetrics.scrapeText(http, metrics(),
        ScrapedMetrics.OPENMETRICS);
    assertThat(open.headers().firstValue("Content-Type")).get().asString()
        .startsWith("application/openmetrics-text");
    assertThat(open.body()).contains("# UNIT assay_miner_request_duration_seconds seconds");
    HttpResponse<String> text = ScrapedMetrics.scrapeText(http, metrics(), null);
    assertThat(text.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
  }

  @Test
  void withAToken_metricsNeedIt() throws Exception {
    start("s3cret");
    assertThat(ScrapedMetrics.scrapeText(http, metrics(), null).statusCode()).isEqualTo(403);
    assertThat(ScrapedMetrics.scrape(http, metrics(), "Bearer s3cret").names())
        .contains("assay_miner_requests_total");
  }
}
