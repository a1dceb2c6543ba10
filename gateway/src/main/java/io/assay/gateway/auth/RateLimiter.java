package io.assay.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests and work units per minute per API key, in fixed one-minute windows.
 *
 * <p>Requests are counted as they are admitted; units once served ({@link #spent}), so a request
 * is admitted while the key's units of the minute are below its limit, and its own units may take
 * the count past it (the next ones then wait for the next minute).
 *
 * <p>The decision is taken in process, with no Redis round trip: each gateway counts its own
 * admissions and also increments the shared counter in Redis asynchronously; the reply (the total
 * across all gateways) raises the local estimate. One gateway alone is exact; several converge
 * within one round trip of each other. Thread-safe.
 */
public final class RateLimiter {

  private final Redis redis;
  private final Clock clock;
  private final Cache<String, AtomicLong> windows = Caffeine.newBuilder()
      .expireAfterWrite(Duration.ofMinutes(2))
      .maximumSize(1_000_000)
      .build();

  public RateLimiter(Redis redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /**
   * Counts one request of {@code key}.
   *
   * @return 0 when admitted, else the seconds until the window resets (for Retry-After)
   */
  public long admit(ApiKey key) {
    if (key.requestsPerMinute() <= 0) {
      return 0;
    }
    long now = clock.millis();
    long minute = now / 60_000;
    String redisKey = Keys.rateWindow(key.hash(), minute);
    AtomicLong count = windows.get(redisKey, k -> new AtomicLong());
    long seen = count.incrementAndGet();
    if (seen > key.requestsPerMinute()) {
      count.decrementAndGet();
      return Math.max(1, (60_000 - now % 60_000 + 999) / 1000);
    }
    share(redisKey, count, 1);
    return 0;
  }

  /**
   * Adds {@code n} to the shared counter {@code redisKey} (set to expire when it is new) and
   * raises the local {@code count} to the total across gateways.
   */
  private void share(String redisKey, AtomicLong count, long n) {
    redis.writes(cmd -> cmd.incrby(redisKey, n)).thenAccept(total -> {
      count.accumulateAndGet(total, Math::max);
      if (total == n) {
        redis.writes(cmd -> cmd.expire(redisKey, 120));
      }
    });
  }

  /**
   * Whether {@code key} may have another request served under its units per minute.
   *
   * @return 0 when admitted, else the seconds until the window resets (for Retry-After)
   */
  public long admitUnits(ApiKey key) {
    if (key.unitsPerMinute() <= 0) {
      return 0;
    }
    long now = clock.millis();
    AtomicLong count = windows.getIfPresent(Keys.unitWindow(key.hash(), now / 60_000));
    return count == null || count.get() < key.unitsPerMinute() ? 0
        : Math.max(1, (60_000 - now % 60_000 + 999) / 1000);
  }

  /** Counts {@code units} served to {@code key} this minute, here and across gateways. */
  public void spent(ApiKey key, long units) {
    if (key.unitsPerMinute() <= 0 || units <= 0) {
      return;
    }
    String redisKey = Keys.unitWindow(key.hash(), clock.millis() / 60_000);
    AtomicLong count = windows.get(redisKey, k -> new AtomicLong());
    count.addAndGet(units);
    share(redisKey, count, units);
  }
}
