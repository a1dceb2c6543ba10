package io.assay.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's traffic by minute: counts, errors, latency percentiles and the ring's reuse. */
class TrafficSeriesTest {

  private static final long MINUTE = 60_000;
  private static final long MS = 1_000_000;

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final TrafficSeries series = new TrafficSeries(now::get);

  @Test
  void buckets_coverEveryLatencyInOrder_eachWithin12Point5Percent() {
    int last = -1;
    for (long micros = 0; micros < 5_000_000_000L; micros = micros < 64 ? micros + 1
        : micros + micros / 7) {
      int b = TrafficSeries.bucket(micros);
      assertThat(b).as("%d us", micros).isGreaterThanOrEqualTo(last).isLessThan(TrafficSeries.BUCKETS);
      last = b;
      if (b < TrafficSeries.BUCKETS - 1) {
        long low = TrafficSeries.lowest(b);
        long high = TrafficSeries.lowest(b + 1);
        assertThat(micros).isBetween(low, high - 1);
        assertThat((high - low) / 2.0).isLessThanOrEqualTo(Math.max(0.5, 0.125 * low));
      }
    }
    assertThat(TrafficSeries.bucket(Long.MAX_VALUE)).isEqualTo(TrafficSeries.BUCKETS - 1);
  }

  @Test
  void aMinute_countsRequestsErrorsAndLatency() {
    for (int i = 1; i <= 100; i++) {
      series.record(200, i * MS);
    }
    series.record(404, MS);
    series.record(429, MS);
    series.record(429, MS);
    series.record(502, MS);

    TrafficSeries.Minute m = last(series.minutes(1));
    assertThat(m.at()).isEqualTo(now.get() / MINUTE * MINUTE);
    assertThat(m.requests()).isEqualTo(104);
    assertThat(m.clientErrors()).isEqualTo(1);
    assertThat(m.rateLimited()).isEqualTo(2);
    assertThat(m.serverErrors()).isEqualTo(1);
    assertThat(m.meanMs()).isCloseTo((5050 + 4) / 104.0, within(0.01));
    assertThat(m.p50Ms()).isCloseTo(49, within(49 * 0.125));
    assertThat(m.p95Ms()).isCloseTo(95, within(95 * 0.125));
    assertThat(m.p99Ms()).isCloseTo(99, within(99 * 0.125));
  }

  @Test
  void minutes_areOldestFirst_quietOnesEmpty_andTheRingForgetsPastItsLength() {
    series.record(200, MS);
    now.addAndGet(2 * MINUTE);
    series.record(200, MS);
    series.record(200, MS);

    List<TrafficSeries.Minute> three = series.minutes(3);
    assertThat(three).extracting(TrafficSeries.Minute::requests).containsExactly(1L, 0L, 2L);
    assertThat(three.get(1).meanMs()).isNull();
    assertThat(three.get(2).at() - three.get(0).at()).isEqualTo(2 * MINUTE);

    // The first minute's row is reused 120 minutes on: cleared, not added to.
    now.addAndGet((TrafficSeries.MINUTES - 2) * MINUTE);
    series.record(500, MS);
    List<TrafficSeries.Minute> all = series.minutes(TrafficSeries.MINUTES + 10);
    assertThat(all).hasSize(TrafficSeries.MINUTES);
    assertThat(last(all).requests()).isEqualTo(1);
    assertThat(last(all).serverErrors()).isEqualTo(1);
    assertThat(all.stream().mapToLong(TrafficSeries.Minute::requests).sum()).isEqualTo(3);
  }

  private static TrafficSeries.Minute last(List<TrafficSeries.Minute> minutes) {
    return minutes.get(minutes.size() - 1);
  }
}
