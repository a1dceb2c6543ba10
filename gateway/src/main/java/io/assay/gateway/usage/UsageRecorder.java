package io.assay.gateway.usage;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Task;

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
    String usage = Keys.usage(key.hash());
    String taskId = task.spec().id();
    String day = Keys.usageDay(key.hash(), java.time.LocalDate.ofInstant(clock.instant(),
        java.time.ZoneOffset.UTC).toString());
    long charge = key.creditMicros() == null ? 0
        : Math.round(units * price.applyAsDouble(taskId));
    redis.durableWrites(cmd -> {
      cmd.hincrby(usage, "requests", 1);
      counts.forEach((name, n) -> cmd.hincrby(usage, name, n));
      cmd.hincrby(usage, taskId + "|requests", 1);
      cmd.hincrby(day, taskId + "|requests", 1);
      cmd.hincrby(day, taskId + "|units", units);
      if (charge > 0) {
        cmd.hincrby(day, taskId + "|charged", charge);
        cmd.decrby(Keys.credit(key.hash()), charge);
      }
      cmd.expire(day, DAY_KEPT_SECONDS);
      return cmd.hincrby(usage, taskId + "|units", units);
    }).exceptionally(e -> {
      LOST.failed(log, "recording usage", e);
      return null;
    });
    limiter.spent(key, units);
  }
}
