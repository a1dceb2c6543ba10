package io.assay.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A registry's metrics, written in the format the scraper's {@code Accept} header asks for, by
 * the Prometheus client's own writers: the text format 0.0.4 by default, OpenMetrics (or the
 * protobuf format, where that writer is on the class path) when asked. Every Assay process keeps
 * one {@link PrometheusRegistry} of its own, never the client's global default, so several
 * gateways, miners or checking servers in one JVM (tests, the devnet) do not mix their series.
 */
public final class Exposition {

  private static final ExpositionFormats FORMATS = ExpositionFormats.init();
  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";

  private Exposition() {}

  /** A scrape: its body and the content type naming its format. */
  public record Scrape(String contentType, byte[] body) {}

  /**
   * Collects {@code registry} (its callbacks run on the calling thread) and writes it.
   *
   * @param accept the scraper's {@code Accept} header; null for the text format
   */
  public static Scrape write(PrometheusRegistry registry, String accept) {
    ExpositionFormatWriter writer = FORMATS.findWriter(accept);
    if (!writer.isAvailable()) {
      // A protobuf scrape without the protobuf writer on the class path (the programs ship the
      // text formats only): the text format the header also accepts, as a scraper expects.
      writer = FORMATS.findWriter(accept.contains("application/openmetrics-text")
          ? OPENMETRICS : null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics", e); // not from a byte array
    }
    return new Scrape(writer.getContentType(), out.toByteArray());
  }
}
