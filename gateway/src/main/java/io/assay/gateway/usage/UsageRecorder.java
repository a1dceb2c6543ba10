package io.assay.gateway.usage;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Task;
import io.lettuce.core.ScriptOutputType;

/**
 * Records usage per API key in Redis, without waiting: the increments leave with the request's
 * other writes and, being atomic, make totals exact across gateways. While Redis is away they
 * wait and go out when it is back ({@link Redis#durableWrites}); what cannot be kept is logged
 * (once a minute) and costs the user nothing.
 */
public final class UsageRecorder {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(UsageRecorder.class);
  private static final io.assay.gateway.state.OutageLog LOST =
      new io.assay.gateway.state.OutageLog(java.time.Duration.ofMinutes(1));

  /**
   * One request's usage in one command: totals by key and task, the day's counts, and the charge
   * against the balance. One script rather than nine commands: each command costs the gateway's
   * Redis client about as much as the script's arguments do, and these ran on every request.
   *
   * <p>KEYS: the key's usage hash, its day hash, its balance. ARGV: task id, units, charge (0:
   * none), seconds the day is kept, then the kind's counts as name, value pairs.
   */
  public static final io.assay.gateway.state.RedisScript RECORD =
      new io.assay.gateway.state.RedisScript("""
      local task, units, charge = ARGV[1], ARGV[2], tonumber(ARGV[3])
      redis.call('HINCRBY', KEYS[1], 'requests', 1)
      redis.call('HINCRBY', KEYS[1], task .. '|requests', 1)
      redis.call('HINCRBY', KEYS[1], task .. '|units', units)
      for i = 5, #ARGV, 2 do
        redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
      end
      redis.call('HINCRBY', KEYS[2], task .. '|requests', 1)
      redis.call('HINCRBY', KEYS[2], task .. '|units', units)
      if charge > 0 then
        redis.call('HINCRBY', KEYS[2], task .. '|charged', charge)
        redis.call('DECRBY', KEYS[3], charge)
      end
      redis.call('EXPIRE', KEYS[2], ARGV[4])
      return 1
      """);

  /**
   * The keys {@link #RECORD} touches for one API key on one UTC day: one slot on a Redis Cluster,
   * by the key's hash tag ({@link Keys}).
   */
  public static String[] recordKeys(String keyHash, String day) {
    return new String[] {Keys.usage(keyHash), Keys.usageDay(keyHash, day),
        Keys.credit(keyHash)};
  }

  /** Days a key's daily usage is kept. */
  private static final long DAY_KEPT_SECONDS = 400L * 24 * 3600;

  private final Redis redis;
  private final io.assay.gateway.auth.RateLimiter limiter;
  private final java.util.function.ToDoubleFunction<String> price;
  private final java.time.Clock clock;

  /**
   * @param limiter counts the units against the key's units per minute
   * @param price credits per million units of a task, by task id ({@code tasks[].price})
   */
  public UsageRecorder(Redis redis, io.assay.gateway.auth.RateLimiter limiter,
      java.util.function.ToDoubleFunction<String> price, java.time.Clock clock) {
    this.redis = redis;
    this.limiter = limiter;
    this.price = price;
    this.clock = clock;
  }

  /**
   * A user's request was served: {@code units} of the task's work unit, and the kind's own counts
   * ({@code prompt_tokens}, {@code completion_tokens}, ...). A key with a budget is charged the
   * task's price for them, atomically (its balance may go below 0 by this request's charge).
   */
  public void served(ApiKey key, Task task, long units, java.util.Map<String, Long> counts) {
    String taskId = task.spec().id();
    long charge = key.creditMicros() == null ? 0
        : Math.round(units * price.applyAsDouble(taskId));
    String[] args = new String[4 + 2 * counts.size()];
    args[0] = taskId;
    args[1] = Long.toString(units);
    args[2] = Long.toString(charge);
    args[3] = Long.toString(DAY_KEPT_SECONDS);
    int i = 4;
    for (java.util.Map.Entry<String, Long> count : counts.entrySet()) {
      args[i++] = count.getKey();
      args[i++] = Long.toString(count.getValue());
    }
    String[] keys = recordKeys(key.hash(), java.time.LocalDate.ofInstant(clock.instant(),
        java.time.ZoneOffset.UTC).toString());
    redis.durableWrites(
            cmd -> RECORD.<Long>run(redis, cmd, ScriptOutputType.INTEGER, keys, args))
        .exceptionally(e -> {
          LOST.failed(log, "recording usage", e);
          return null;
        });
    limiter.spent(key, units);
  }
}
