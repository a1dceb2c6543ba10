package io.assay.gateway.usage;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Task;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Records usage per API key in Redis, without waiting: the commands are pipelined on the shared
 * connection and their atomic increments make totals exact across gateways. A failed write is
 * logged by Lettuce and costs the user nothing.
 */
public final class UsageRecorder {

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
    RedisAsyncCommands<String, String> cmd = redis.commands();
    String usage = Keys.usage(key.hash());
    cmd.hincrby(usage, "requests", 1);
    counts.forEach((name, n) -> cmd.hincrby(usage, name, n));
    cmd.hincrby(usage, task.spec().id() + "|requests", 1);
    cmd.hincrby(usage, task.spec().id() + "|units", units);
    metrics.served(task.spec().id(), units);
  }
}
