package io.assay.gateway.weights;

import io.assay.gateway.leader.NotLeaderException;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;

/**
 * Lets a weight computation be recorded only by the leader, only once and in order: the fencing
 * token it carries must be at least the last one recorded (a leader that stalled past its lease
 * and was replaced is refused once its successor has recorded anything), and its time must be
 * after the newest computation recorded (two leaders overlapping for an instant cannot record the
 * same computation twice).
 */
public final class WeightsFence {

  /**
   * KEYS: the fence hash. ARGV: fencing token, computation time. Returns 1 when admitted, -1 for
   * a token older than the fence's, 0 for a time not after the newest recorded.
   */
  static final RedisScript ADMIT = new RedisScript("""
      local token, at = tonumber(ARGV[1]), tonumber(ARGV[2])
      local held = redis.call('HMGET', KEYS[1], 'token', 'computed_at')
      if held[1] and tonumber(held[1]) > token then
        return -1
      end
      if held[2] and tonumber(held[2]) >= at then
        return 0
      end
      redis.call('HSET', KEYS[1], 'token', ARGV[1], 'computed_at', ARGV[2])
      return 1
      """);

  private final Redis redis;
  private final java.util.function.LongSupplier token;

  /**
   * @param token this gateway's fencing token while it leads, else 0 ({@code
   *     LeaderLease::token})
   */
  public WeightsFence(Redis redis, java.util.function.LongSupplier token) {
    this.redis = redis;
    this.token = token;
  }

  /**
   * Admits the computation at {@code computedAt} for recording, or fails with {@link
   * NotLeaderException} saying why not.
   */
  public Future<Void> admit(long computedAt) {
    long token = this.token.getAsLong();
    if (token == 0) {
      return Future.failedFuture(new NotLeaderException(
          "this gateway does not hold the leader lease; the leader computes the weights"));
    }
    return Redis.on(ADMIT.<Long>run(redis, redis.commands(), ScriptOutputType.INTEGER,
        new String[] {Keys.weightsFence()}, Long.toString(token), Long.toString(computedAt)))
        .compose(admitted -> admitted == 1 ? Future.succeededFuture()
            : Future.failedFuture(new NotLeaderException(admitted < 0
                ? "a newer leader has recorded weights since this gateway's lease began"
                : "a computation at or after this time is already recorded")));
  }
}
