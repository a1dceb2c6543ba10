package io.assay.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One Prometheus counter with labels (one {@link LongAdder} per label set, cheap on a hot path),
 * rendered in the text exposition format. Thread-safe.
 */
public final class CounterFamily {

  private final String name;
  private final String help;
  private final Map<String, LongAdder> series = new ConcurrentHashMap<>();

  public CounterFamily(String name, String help) {
    this.name = name;
    this.help = help;
  }

  /**
   * Adds {@code n} to the series with these labels.
   *
   * @param labels alternating names and values, e.g. {@code "task", "llm/x", "outcome", "ok"}
   */
  public void add(long n, String... labels) {
    series.computeIfAbsent(key(labels), k -> new LongAdder()).add(n);
  }

  /** The count of one series (0 if it never counted). */
  public long get(String... labels) {
    LongAdder n = series.get(key(labels));
    return n == null ? 0 : n.sum();
  }

  /** The sum over every series. */
  public long total() {
    return series.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Appends {@code # HELP}, {@code # TYPE} and one line per series. */
  public void render(StringBuilder out) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    series.forEach((labels, value) -> {
      out.append(name);
      if (!labels.isEmpty()) {
        out.append('{').append(labels).append('}');
      }
      out.append(' ').append(value.sum()).append('\n');
    });
  }

  private static String key(String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs");
    }
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        key.append(',');
      }
      key.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
    }
    return key.toString();
  }

  /** Label values may come from requests or queues: escaped as the text format requires. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
