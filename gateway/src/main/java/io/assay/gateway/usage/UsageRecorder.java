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

  private final Redis redis;
  private final GatewayMetrics metrics;

  public UsageRecorder(Redis redis, GatewayMetrics metrics) {
    this.redis = redis;
    this.metrics = metrics;
  }

  /**
   * A user's request was served: {@code units} of the task's work unit, and the kind's own counts
   * ({@code prompt_tokens}, {@code completion_tokens}, ...).
   */
  public void served(ApiKey key, Task task, long units, java.util.Map<String, Long> counts) {
    String usage = Keys.usage(key.hash());
    redis.durableWrites(cmd -> {
      cmd.hincrby(usage, "requests", 1);
      counts.forEach((name, n) -> cmd.hincrby(usage, name, n));
      cmd.hincrby(usage, task.spec().id() + "|requests", 1);
      return cmd.hincrby(usage, task.spec().id() + "|units", units);
    }).exceptionally(e -> {
      LOST.failed(log, "recording usage", e);
      return null;
    });
    metrics.served(task.spec().id(), units);
  }
}
