package io.assay.checking;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Entries some server read but did not finish within the claim timeout: it died, hung, or its
 * checker failed on them. Used by the consumer loop only, one call at a time; calls block.
 *
 * <p>{@link #sweepExhausted()} gives up those already delivered {@code maxDeliveries} times,
 * before anyone tries them again; {@link #claim} takes over the others with {@code XAUTOCLAIM},
 * which counts one more delivery. Both keep a cursor and page through the pending entries a
 * little at each call, so a long backlog costs each call the same.
 */
final class IdleEntries {

  private static final long COMMAND_TIMEOUT_MS = 15_000;
  private static final String NO_MORE = "0-0";
  private static final int SWEEP_PAGE = 100;

  /**
   * Entries taken over.
   *
   * @param deliveries how many times each has been delivered, this time included
   * @param more whether more idle entries may be waiting
   */
  record Claimed(List<StreamMessage<String, String>> messages, Map<String, Long> deliveries,
      boolean more) {}

  private final RedisClusterAsyncCommands<String, String> redis;
  private final CheckingOptions options;
  private final Consumer<String> consumer;
  private final CheckRunner runner;
  private String claimCursor = NO_MORE;
  private String sweepAfter;

  IdleEntries(RedisClusterAsyncCommands<String, String> redis, CheckingOptions options,
      Consumer<String> consumer, CheckRunner runner) {
    this.redis = redis;
    this.options = options;
    this.consumer = consumer;
    this.runner = runner;
  }

  /** Takes over up to {@code count} entries idle longer than the claim timeout. */
  Claimed claim(int count) throws InterruptedException, ExecutionException, TimeoutException {
    ClaimedMessages<String, String> claimed = await(redis.xautoclaim(CheckingStreams.QUEUE,
        new XAutoClaimArgs<String>().consumer(consumer).minIdleTime(options.claimTimeout())
            .startId(claimCursor).count(count)));
    claimCursor = claimed.getId() == null ? NO_MORE : claimed.getId();
    List<StreamMessage<String, String>> messages = claimed.getMessages();
    Map<String, Long> deliveries = new HashMap<>();
    if (!messages.isEmpty()) {
      Range<String> range = Range.create(messages.get(0).getId(),
          messages.get(messages.size() - 1).getId());
      List<PendingMessage> pending = await(redis.xpending(CheckingStreams.QUEUE, consumer,
          range, Limit.from(messages.size() + options.maxInFlight())));
      for (PendingMessage p : pending) {
        deliveries.put(p.getId(), p.getRedeliveryCount());
      }
    }
    return new Claimed(messages, deliveries, !NO_MORE.equals(claimCursor));
  }

  /**
   * Gives up idle entries already delivered {@code maxDeliveries} times. This is also what clears
   * entries trimmed from the stream while pending: Redis 6.2 keeps those in the pending list (and
   * counts a delivery each time they are claimed) where Redis 7 drops them itself.
   */
  void sweepExhausted() throws InterruptedException, ExecutionException, TimeoutException {
    List<PendingMessage> idle = await(redis.xpending(CheckingStreams.QUEUE,
        XPendingArgs.Builder.<String>xpending(CheckingStreams.GROUP,
            sweepAfter == null ? Range.unbounded() : Range.from(
                Range.Boundary.excluding(sweepAfter), Range.Boundary.unbounded()),
            Limit.from(SWEEP_PAGE))
            .idle(options.claimTimeout())));
    sweepAfter = idle.size() < SWEEP_PAGE ? null : idle.get(idle.size() - 1).getId();
    List<String> exhausted = new ArrayList<>();
    Map<String, Long> deliveries = new HashMap<>();
    for (PendingMessage p : idle) {
      if (p.getRedeliveryCount() >= options.maxDeliveries()) {
        exhausted.add(p.getId());
        deliveries.put(p.getId(), p.getRedeliveryCount());
      }
    }
    if (exhausted.isEmpty()) {
      return;
    }
    // Take them first (only if still idle), so two servers never give up the same entry.
    List<StreamMessage<String, String>> taken = await(redis.xclaim(CheckingStreams.QUEUE,
        consumer, XClaimArgs.Builder.minIdleTime(options.claimTimeout()).justid(),
        exhausted.toArray(String[]::new)));
    List<CompletableFuture<Void>> given = new ArrayList<>();
    for (StreamMessage<String, String> message : taken) {
      String id = message.getId();
      List<StreamMessage<String, String>> body =
          await(redis.xrange(CheckingStreams.QUEUE, Range.create(id, id)));
      long delivered = deliveries.getOrDefault(id, (long) options.maxDeliveries());
      given.add(runner.giveUp(id, body.isEmpty() ? Map.of() : body.get(0).getBody(),
          "too_many_deliveries", body.isEmpty()
              ? "gone from the queue (trimmed while pending) after " + delivered + " deliveries"
              : "delivered " + delivered + " times without being checked", delivered)
          .toCompletableFuture());
    }
    await(CompletableFuture.allOf(given.toArray(CompletableFuture[]::new)));
  }

  /** A Redis reply, waited for on the consumer loop's own thread (never an event loop). */
  static <T> T await(Future<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.get(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
