package io.assay.gateway.usage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * This gateway's user traffic minute by minute, for the operator's charts: of each of the last
 * {@value #MINUTES} minutes, the requests answered, the 4xx (429 also apart) and 5xx among them,
 * and their latency (mean and percentiles), kept in memory only.
 *
 * <h2>How</h2>
 *
 * A ring of {@value #MINUTES} rows of counters in one {@link AtomicLongArray}, a row per minute:
 * a latency histogram, the latency sum and the error counts. The histogram is log-linear, four
 * buckets per doubling of microseconds, so a percentile read from it is within 12.5% of the
 * truth; the request count is the histogram's total. Recording a request is two atomic adds
 * (its bucket and the latency sum), three for an error, and a clock read: no allocation, no
 * lock. The first request of a new minute clears the row it reuses, under a lock taken once a
 * minute; since it stamps the row only after clearing it, a request counts in a row only once
 * the row is its minute's. Thread-safe; a reader sees each minute as it was when read.
 */
public final class TrafficSeries {

  /** Minutes kept. */
  public static final int MINUTES = 120;
  /** Histogram buckets: 4 per doubling, up to 2^32 microseconds (71 minutes) and beyond. */
  static final int BUCKETS = 128;
  private static final int SUM = BUCKETS;
  private static final int CLIENT_ERRORS = BUCKETS + 1;
  private static final int RATE_LIMITED = BUCKETS + 2;
  private static final int SERVER_ERRORS = BUCKETS + 3;
  private static final int FIELDS = BUCKETS + 4;
  private static final long MINUTE_MILLIS = 60_000;

  private final LongSupplier millis;
  private final AtomicLongArray counts = new AtomicLongArray(MINUTES * FIELDS);
  /** The minute each row holds, or -1. */
  private final AtomicLongArray stamps = new AtomicLongArray(MINUTES);

  /** @param millis the clock, epoch milliseconds */
  public TrafficSeries(LongSupplier millis) {
    this.millis = millis;
    for (int i = 0; i < MINUTES; i++) {
      stamps.set(i, -1);
    }
  }

  /**
   * Counts one answered request in the current minute.
   *
   * @param status its HTTP status
   * @param nanos how long it took, from its head to the end of the answer
   */
  public void record(int status, long nanos) {
    long minute = millis.getAsLong() / MINUTE_MILLIS;
    int row = (int) Math.floorMod(minute, (long) MINUTES);
    if (stamps.get(row) != minute) {
      roll(row, minute);
    }
    int base = row * FIELDS;
    long micros = Math.max(0, nanos / 1000);
    counts.getAndIncrement(base + bucket(micros));
    counts.getAndAdd(base + SUM, micros);
    if (status >= 500) {
      counts.getAndIncrement(base + SERVER_ERRORS);
    } else if (status == 429) {
      counts.getAndIncrement(base + RATE_LIMITED);
    } else if (status >= 400) {
      counts.getAndIncrement(base + CLIENT_ERRORS);
    }
  }

  private synchronized void roll(int row, long minute) {
    if (stamps.get(row) >= minute) {
      return; // another thread rolled it first (or a late request of a minute long gone)
    }
    int base = row * FIELDS;
    for (int i = 0; i < FIELDS; i++) {
      counts.set(base + i, 0);
    }
    stamps.set(row, minute);
  }

  /** The bucket of a latency: exact below 4 us, then 4 per doubling. */
  static int bucket(long micros) {
    if (micros < 4) {
      return (int) micros;
    }
    int e = 63 - Long.numberOfLeadingZeros(micros);
    if (e > 32) {
      return BUCKETS - 1;
    }
    int sub = (int) (micros >>> (e - 2)) & 3;
    return Math.min(BUCKETS - 1, (e - 1) * 4 + sub);
  }

  /** The smallest latency of {@code bucket}, microseconds. */
  static long lowest(int bucket) {
    if (bucket < 4) {
      return bucket;
    }
    int e = bucket / 4 + 1;
    return (4L + bucket % 4) << (e - 2);
  }

  /**
   * One minute of traffic.
   *
   * @param at the minute's start, epoch millis
   * @param requests requests answered in it
   * @param clientErrors of which 4xx other than 429
   * @param rateLimited of which 429
   * @param serverErrors of which 5xx
   * @param meanMs mean latency in milliseconds, null without requests
   * @param p50Ms median latency, from the histogram (within 12.5%), null without requests
   * @param p95Ms 95th percentile
   * @param p99Ms 99th percentile
   */
  public record Minute(
      @JsonProperty("at") long at,
      @JsonProperty("requests") long requests,
      @JsonProperty("client_errors") long clientErrors,
      @JsonProperty("rate_limited") long rateLimited,
      @JsonProperty("server_errors") long serverErrors,
      @JsonProperty("mean_ms") Double meanMs,
      @JsonProperty("p50_ms") Double p50Ms,
      @JsonProperty("p95_ms") Double p95Ms,
      @JsonProperty("p99_ms") Double p99Ms) {}

  /** The last {@code minutes} minutes (at most {@value #MINUTES}), oldest first, this one last. */
  public List<Minute> minutes(int minutes) {
    long now = millis.getAsLong() / MINUTE_MILLIS;
    int n = Math.max(1, Math.min(MINUTES, minutes));
    List<Minute> out = new ArrayList<>(n);
    long[] histogram = new long[BUCKETS];
    for (long minute = now - n + 1; minute <= now; minute++) {
      int row = (int) Math.floorMod(minute, (long) MINUTES);
      int base = row * FIELDS;
      long requests = 0;
      if (stamps.get(row) == minute) {
        for (int b = 0; b < BUCKETS; b++) {
          histogram[b] = counts.get(base + b);
          requests += histogram[b];
        }
      }
      if (requests == 0) {
        out.add(new Minute(minute * MINUTE_MILLIS, 0, 0, 0, 0, null, null, null, null));
        continue;
      }
      out.add(new Minute(minute * MINUTE_MILLIS, requests, counts.get(base + CLIENT_ERRORS),
          counts.get(base + RATE_LIMITED), counts.get(base + SERVER_ERRORS),
          counts.get(base + SUM) / 1000.0 / requests, percentile(histogram, requests, 0.50),
          percentile(histogram, requests, 0.95), percentile(histogram, requests, 0.99)));
    }
    return out;
  }

  /** The {@code q} quantile in milliseconds: the middle of the bucket it falls in. */
  private static double percentile(long[] histogram, long total, double q) {
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    int b = 0;
    for (; b < BUCKETS - 1; b++) {
      seen += histogram[b];
      if (seen >= rank) {
        break;
      }
    }
    double low = lowest(b);
    double high = b < BUCKETS - 1 ? lowest(b + 1) : low;
    return (low + high) / 2 / 1000.0;
  }
}
