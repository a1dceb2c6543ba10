package io.assay.metrics;

import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code /metrics} scrape, asked for in the Prometheus protobuf format and parsed by the
 * Prometheus Java client's own generated protobuf classes ({@code
 * prometheus-metrics-exposition-formats}): the client has no parser of the text formats, and
 * this is the parser it ships. The text formats come from the same registry through the same
 * writers' selection, so what is checked here is what Prometheus reads.
 *
 * <p>The protobuf format carries no units: {@link #OPENMETRICS} scrapes show them ({@code #
 * UNIT} lines). Series are looked up by metric family name (counters with {@code _total}, as Prometheus
 * names them) and a subset of their labels, given as name, value pairs.
 */
public final class ScrapedMetrics {

  /** The {@code Accept} header asking for OpenMetrics text. */
  public static final String OPENMETRICS =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final Map<String, Metrics.MetricFamily> families = new LinkedHashMap<>();
  private final String contentType;

  private ScrapedMetrics(String contentType, byte[] body) throws IOException {
    this.contentType = contentType;
    InputStream in = new ByteArrayInputStream(body);
    Metrics.MetricFamily family;
    while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
      families.put(family.getName(), family);
    }
  }

  /**
   * Scrapes {@code url} with {@code authorization} (null for none).
   *
   * @throws AssertionError when the answer is not 200 in the protobuf format
   */
  public static ScrapedMetrics scrape(HttpClient http, URI url, String authorization)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .header("Accept", PrometheusProtobufWriter.CONTENT_TYPE);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<byte[]> response = http.send(request.build(),
        HttpResponse.BodyHandlers.ofByteArray());
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (response.statusCode() != 200 || !type.startsWith("application/vnd.google.protobuf")) {
      throw new AssertionError("scrape of " + url + ": " + response.statusCode() + " " + type);
    }
    return new ScrapedMetrics(type, response.body());
  }

  /** Scrapes {@code url} in the text format Prometheus asks for by default; the body. */
  public static HttpResponse<String> scrapeText(HttpClient http, URI url, String accept)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(url);
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public String contentType() {
    return contentType;
  }

  /** Every family's name. */
  public java.util.Set<String> names() {
    return families.keySet();
  }

  /** The family named {@code name}; fails naming the families there are when absent. */
  public Metrics.MetricFamily family(String name) {
    Metrics.MetricFamily f = families.get(name);
    if (f == null) {
      throw new AssertionError("no metric " + name + " in " + families.keySet());
    }
    return f;
  }

  /** The family's type as the text format names it: counter, gauge, histogram, ... */
  public String type(String name) {
    return family(name).getType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The series of {@code name} whose labels include {@code labels} (name, value pairs). */
  public List<Metrics.Metric> series(String name, String... labels) {
    List<Metrics.Metric> out = new ArrayList<>();
    for (Metrics.Metric m : family(name).getMetricList()) {
      if (matches(m, labels)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The sum over the matching series of a counter's or gauge's value; 0 when none match. */
  public double value(String name, String... labels) {
    double sum = 0;
    for (Metrics.Metric m : series(name, labels)) {
      sum += m.hasCounter() ? m.getCounter().getValue() : m.getGauge().getValue();
    }
    return sum;
  }

  /** The sum over the matching series of a histogram's observation count. */
  public long count(String name, String... labels) {
    long sum = 0;
    for (Metrics.Metric m : series(name, labels)) {
      sum += m.getHistogram().getSampleCount();
    }
    return sum;
  }

  /** The sum over the matching series of a histogram's observed values. */
  public double sum(String name, String... labels) {
    double sum = 0;
    for (Metrics.Metric m : series(name, labels)) {
      sum += m.getHistogram().getSampleSum();
    }
    return sum;
  }

  /** One label's values over the family's series. */
  public java.util.Set<String> labelValues(String name, String label) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (Metrics.Metric m : family(name).getMetricList()) {
      for (Metrics.LabelPair p : m.getLabelList()) {
        if (p.getName().equals(label)) {
          out.add(p.getValue());
        }
      }
    }
    return out;
  }

  private static boolean matches(Metrics.Metric m, String... labels) {
    for (int i = 0; i < labels.length; i += 2) {
      boolean found = false;
      for (Metrics.LabelPair p : m.getLabelList()) {
        if (p.getName().equals(labels[i]) && p.getValue().equals(labels[i + 1])) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return families.values().toString();
  }
}
