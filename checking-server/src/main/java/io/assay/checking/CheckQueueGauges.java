package io.assay.checking;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Gauges of the check queue as Redis holds it, shared by every gateway and checking server:
 * entries still to be checked, of which those delivered to a checking server, answers awaiting
 * a verdict, and dead letters kept. The values are read by {@link #refresh} (four commands in
 * one round trip, without blocking) and shown by the gauges as last read, so a scrape refreshes
 * first and never waits on Redis from a callback. The process that serves {@code /metrics}
 * registers them once: the gateway, or a standalone checking server.
 *
 * <p>Thread-safe.
 */
public final class CheckQueueGauges {

  private final RedisClusterAsyncCommands<String, String> redis;
  private volatile long queued = -1;
  private volatile long delivered = -1;
  private volatile long awaiting = -1;
  private volatile long dead = -1;

  private CheckQueueGauges(RedisClusterAsyncCommands<String, String> redis) {
    this.redis = redis;
  }

  /** Registers the gauges in {@code registry}; they show nothing until the first refresh. */
  public static CheckQueueGauges register(PrometheusRegistry registry,
      RedisClusterAsyncCommands<String, String> redis) {
    CheckQueueGauges gauges = new CheckQueueGauges(redis);
    gauge(registry, "assay_check_queue_entries", "Answers in the check queue ("
        + CheckingStreams.QUEUE + ") not yet checked, delivered or not", () -> gauges.queued);
    gauge(registry, "assay_check_queue_delivered_entries", "Entries of the check queue"
        + " delivered to a checking server and not yet settled", () -> gauges.delivered);
    gauge(registry, "assay_check_pending_answers", "Answers queued for checking that have no"
        + " verdict yet (" + CheckingStreams.PENDING + ")", () -> gauges.awaiting);
    gauge(registry, "assay_check_dead_letter_entries", "Queue entries given up and kept in "
        + CheckingStreams.DEAD + " (capped)", () -> gauges.dead);
    return gauges;
  }

  /**
   * Reads the values from Redis; completes when they are read, or exceptionally with why not,
   * leaving the values that could not be read as they were.
   */
  public CompletionStage<Void> refresh() {
    CompletableFuture<?> q = redis.xlen(CheckingStreams.QUEUE)
        .thenAccept(n -> queued = n).toCompletableFuture();
    CompletableFuture<?> d = redis.xpending(CheckingStreams.QUEUE, CheckingStreams.GROUP)
        .handle((pending, e) -> {
          if (e == null) {
            delivered = pending.getCount();
          } else if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
            delivered = 0; // no checking server has read the queue yet
          } else {
            throw new java.util.concurrent.CompletionException(e);
          }
          return null;
        }).toCompletableFuture();
    CompletableFuture<?> a = redis.zcard(CheckingStreams.PENDING)
        .thenAccept(n -> awaiting = n).toCompletableFuture();
    CompletableFuture<?> x = redis.xlen(CheckingStreams.DEAD)
        .thenAccept(n -> dead = n).toCompletableFuture();
    return CompletableFuture.allOf(q, d, a, x);
  }

  private static void gauge(PrometheusRegistry registry, String name, String help,
      java.util.function.LongSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
      long v = value.getAsLong();
      if (v >= 0) {
        cb.call(v);
      }
    }).register(registry);
  }
}
