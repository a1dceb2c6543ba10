package io.assay.checking;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Gives up on queued answers that got no verdict within {@code checking.verdict_timeout}: each
 * gets one {@code check_failed} event (SCORING.md section 4), written by {@link ResultStore#fail}
 * so that a verdict and a failure never both count. Safe to run from several gateways at once;
 * thread-safe.
 */
public final class VerdictTimeouts {

  /** Most answers given up in one sweep; the next sweep takes the rest. */
  static final int BATCH = 1_000;

  private final RedisClusterAsyncCommands<String, String> redis;
  private final ResultStore store;
  private final Duration timeout;

  public VerdictTimeouts(RedisClusterAsyncCommands<String, String> redis, Duration timeout) {
    this.redis = redis;
    this.store = new ResultStore(redis, timeout);
    this.timeout = timeout;
  }

  /**
   * Fails every answer queued at or before {@code now - timeout} and still without a verdict.
   *
   * @return how many {@code check_failed} events this sweep wrote
   */
  public CompletionStage<Integer> sweep(long now) {
    long cutoff = now - timeout.toMillis();
    return redis.zrangebyscore(CheckingStreams.PENDING, Range.create(Double.NEGATIVE_INFINITY,
            (double) cutoff), Limit.create(0, BATCH))
        .thenCompose(members -> {
          List<CompletableFuture<Boolean>> fails = new ArrayList<>();
          for (String member : members) {
            String[] parts = member.split("\t", -1);
            if (parts.length != 3) {
              fails.add(redis.zrem(CheckingStreams.PENDING, member).thenApply(n -> false)
                  .toCompletableFuture());
              continue;
            }
            fails.add(store.fail(parts[0], parts[1], parts[2], now).toCompletableFuture());
          }
          return CompletableFuture.allOf(fails.toArray(CompletableFuture[]::new))
              .thenApply(v -> (int) fails.stream().filter(CompletableFuture::join).count());
        });
  }
}
