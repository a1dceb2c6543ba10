package io.assay.gateway.auth;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.OutageLog;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;

/**
 * Admission of API keys under their requests per minute, work units per minute and prepaid
 * balance, exact across every gateway that shares the Redis.
 *
 * <p>How: a key with a limit or a budget is admitted by one Lua script ({@link #ADMIT}), one round
 * trip, that reads the key's balance and its units of the minute and takes one of its requests of
 * the minute, all atomically; so N gateways together admit exactly a key's requests per minute.
 * The script reads before it counts, so a refused request leaves no count behind to undo. A key
 * with no limit and no budget costs no Redis round trip: {@link #admit} returns a completed
 * future and sends nothing.
 *
 * <p>Semantics. Windows are fixed minutes of the gateway's clock (gateways' clocks should agree:
 * near a minute's end a gateway ahead already counts in the next one). Units are counted once
 * served ({@link #spent}), so a request is admitted while the key's units of the minute are below
 * its limit, and its own units may take the count past it; requests admitted together all see the
 * count from before any of them was served. Likewise the balance: a request is admitted while it
 * is above 0 and is charged once served (by {@code UsageRecorder}), so the balance may end below 0
 * by what the requests under way cost.
 *
 * <p>Redis away: {@link #admit} fails, and the request gets 503, as soon as Lettuce refuses the
 * command (at once while the connection is down) or when the command times out ({@link
 * Redis#connect}'s command timeout, 5 s); the event loop never waits. A request whose script ran
 * but whose answer was lost with the connection was counted and refused: counts may err towards
 * the limit, never past it. Units served go out as durable writes: while Redis is away they wait,
 * and are added to the minute they were served in when it is back.
 *
 * <p>Thread-safe; futures complete on the caller's Vert.x context.
 */
public final class RateLimiter {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RateLimiter.class);
  private static final OutageLog LOST = new OutageLog(Duration.ofMinutes(1));

  /** How long a window is kept: the minute it counts, and one more for late units. */
  private static final String WINDOW_SECONDS = "120";

  /**
   * Admits one request, or says which limit refuses it. KEYS: the key's window of this minute
   * (hash: {@code requests}, {@code units}), then its balance when it has a budget. ARGV: requests
   * per minute, units per minute (0: no limit), seconds a window is kept. Returns 0 when admitted
   * (and counted), else the {@link Limit} that refuses it: 1 requests, 2 units, 3 balance. A
   * balance that is absent (a key whose budget was just revoked) refuses nothing.
   */
  static final RedisScript ADMIT = new RedisScript("""
      if KEYS[2] then
        local balance = redis.call('GET', KEYS[2])
        if balance and tonumber(balance) <= 0 then return 3 end
      end
      local counts = redis.call('HMGET', KEYS[1], 'requests', 'units')
      local upm = tonumber(ARGV[2])
      if upm > 0 and tonumber(counts[2] or 0) >= upm then return 2 end
      local rpm = tonumber(ARGV[1])
      if rpm > 0 then
        if tonumber(counts[1] or 0) >= rpm then return 1 end
        if redis.call('HINCRBY', KEYS[1], 'requests', 1) == 1 then
          redis.call('EXPIRE', KEYS[1], ARGV[3])
        end
      end
      return 0
      """);

  /** Adds ARGV[1] units to the window KEYS[1], keeping it for ARGV[2] seconds once it exists. */
  static final RedisScript SPEND = new RedisScript("""
      local units = redis.call('HINCRBY', KEYS[1], 'units', ARGV[1])
      if units == tonumber(ARGV[1]) then
        redis.call('EXPIRE', KEYS[1], ARGV[2])
      end
      return units
      """);

  /** The limit that refused a request. */
  public enum Limit { REQUESTS_PER_MINUTE, UNITS_PER_MINUTE, CREDIT }

  /**
   * What {@link #admit} decided.
   *
   * @param refused the limit that refused the request; null when it was admitted
   * @param retryAfterSeconds when a per-minute limit refused it, the seconds until the window
   *     ends (for {@code Retry-After}); else 0
   */
  public record Admission(Limit refused, long retryAfterSeconds) {

    public static final Admission ADMITTED = new Admission(null, 0);

    public boolean admitted() {
      return refused == null;
    }
  }

  private static final Future<Admission> ADMITTED_NOW = Future.succeededFuture(Admission.ADMITTED);

  private final Redis redis;
  private final Clock clock;

  public RateLimiter(Redis redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /**
   * Admits one request of {@code key}, counting it against its requests per minute.
   *
   * @return completed at once for a key with no limit and no budget; else completes when Redis
   *     answers, failed ({@code StateException}) when it cannot
   */
  public Future<Admission> admit(ApiKey key) {
    boolean budget = key.creditMicros() != null;
    if (key.requestsPerMinute() <= 0 && key.unitsPerMinute() <= 0 && !budget) {
      return ADMITTED_NOW;
    }
    long now = clock.millis();
    String window = Keys.limitWindow(key.hash(), now / 60_000);
    String[] keys = budget ? new String[] {window, Keys.credit(key.hash())}
        : new String[] {window};
    return Redis.on(redis.writes(cmd -> ADMIT.<Long>run(redis, cmd, ScriptOutputType.INTEGER,
            keys, Integer.toString(Math.max(0, key.requestsPerMinute())),
            Long.toString(Math.max(0, key.unitsPerMinute())), WINDOW_SECONDS)))
        .map(code -> switch (code.intValue()) {
          case 0 -> Admission.ADMITTED;
          case 1 -> new Admission(Limit.REQUESTS_PER_MINUTE, untilNextMinute(now));
          case 2 -> new Admission(Limit.UNITS_PER_MINUTE, untilNextMinute(now));
          default -> new Admission(Limit.CREDIT, 0);
        });
  }

  /**
   * Counts {@code units} served to {@code key} in this minute, for every gateway. Sent without
   * waiting; while Redis is away the count waits and is added when it is back. Nothing is sent
   * for a key without a units limit.
   */
  public void spent(ApiKey key, long units) {
    if (key.unitsPerMinute() <= 0 || units <= 0) {
      return;
    }
    String[] window = {Keys.limitWindow(key.hash(), clock.millis() / 60_000)};
    redis.durableWrites(cmd -> SPEND.<Long>run(redis, cmd, ScriptOutputType.INTEGER, window,
            Long.toString(units), WINDOW_SECONDS))
        .exceptionally(e -> {
          LOST.failed(log, "counting units against a key's units per minute", e);
          return null;
        });
  }

  private static long untilNextMinute(long nowMillis) {
    return Math.max(1, (60_000 - nowMillis % 60_000 + 999) / 1000);
  }
}
