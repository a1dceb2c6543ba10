package io.assay.gateway.usage;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Task;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Clock;
import java.time.Duration;

/**
 * Records usage per API key and work per miner and task, in Redis, without waiting: the commands
 * are pipelined on the shared connection and their atomic increments make totals exact across
 * gateways. A failed write is logged by Lettuce and costs the user nothing.
 */
public final class UsageRecorder implements DispatchListener {

  private final Redis redis;
  private final Clock clock;
  private final long periodMillis;
  private final GatewayMetrics metrics;

  public UsageRecorder(Redis redis, Clock clock, Duration period, GatewayMetrics metrics) {
    this.redis = redis;
    this.clock = clock;
    this.periodMillis = period.toMillis();
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

  @Override
  public void attemptSucceeded(MinerNode miner, Task task, long units, long millis) {
    String field = miner.hotkey() + "|" + task.spec().id();
    String key = Keys.work(clock.millis() / periodMillis);
    redis.commands().hincrby(key, field + "|units", units);
    redis.commands().hincrby(key, field + "|success", 1);
    metrics.minerCall(miner.name(), "success");
  }

  @Override
  public void attemptFailed(MinerNode miner, Task task, MinerCallException.Outcome outcome,
      long millis, String message) {
    String field = miner.hotkey() + "|" + task.spec().id();
    String key = Keys.work(clock.millis() / periodMillis);
    redis.commands().hincrby(key, field + "|" + outcome.name().toLowerCase(), 1);
    metrics.minerCall(miner.name(), outcome.name().toLowerCase());
  }
}
