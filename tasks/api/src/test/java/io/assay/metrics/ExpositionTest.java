package io.assay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExpositionTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  ExpositionTest() {
    Counter.builder().name("assay_things_total").help("Things").labelNames("kind")
        .register(registry).labelValues("a").inc(3);
  }

  @Test
  void noAcceptHeader_getsTheTextFormat() {
    Exposition.Scrape scrape = Exposition.write(registry, null);
    assertThat(scrape.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(new String(scrape.body(), StandardCharsets.UTF_8))
        .contains("# TYPE assay_things_total counter")
        .contains("assay_things_total{kind=\"a\"} 3.0");
  }

  @Test
  void anOpenMetricsAcceptHeader_getsOpenMetrics() {
    Exposition.Scrape scrape = Exposition.write(registry, ScrapedMetrics.OPENMETRICS);
    assertThat(scrape.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
    assertThat(new String(scrape.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
  }

  @Test
  void registries_areSeparate() {
    assertThat(new String(Exposition.write(new PrometheusRegistry(), null).body(),
        StandardCharsets.UTF_8)).doesNotContain("assay_things");
  }

  @Test
  void metricsAccess_isLoopbackWithoutAToken_andTheTokenWithOne() {
    assertThat(MetricsAccess.allowed(null, null, "127.0.0.1")).isTrue();
    assertThat(MetricsAccess.allowed(null, null, "0:0:0:0:0:0:0:1")).isTrue();
    assertThat(MetricsAccess.allowed(null, null, "10.0.0.7")).isFalse();
    assertThat(MetricsAccess.allowed(null, null, null)).isFalse();
    assertThat(MetricsAccess.allowed("s3cret", null, "127.0.0.1")).isFalse();
    assertThat(MetricsAccess.allowed("s3cret", "Bearer wrong", "127.0.0.1")).isFalse();
    assertThat(MetricsAccess.allowed("s3cret", "bearer s3cret", "10.0.0.7")).isTrue();
  }
}
