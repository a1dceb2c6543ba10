package io.assay.gateway.state;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Durable writes for {@link Redis#durableWrites}: a write Redis refused unsent waits here, and
 * every later durable write queues behind it, so they reach Redis in the order they were made
 * once the connection is back ({@link #replay}, called on reconnection and, while writes wait,
 * every {@link #RETRY_MILLIS} ms: the reconnection event alone can come before the connection
 * takes commands, or while an earlier replay is still failing, and would leave them waiting for
 * good). Bounded: past {@link #MAX} waiting writes, new ones fail. Thread-safe.
 */
final class WriteBacklog {

  /** The most writes kept while Redis is away: about a minute of a busy gateway's requests. */
  static final int MAX = 200_000;

  /** How long a refused replay waits before it tries again. */
  static final long RETRY_MILLIS = 250;

  /** Issues commands as {@link Redis#writes} does. */
  interface Sender {
    <T> CompletionStage<T> send(
        Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> commands);
  }

  /** Runs a task once, {@link #RETRY_MILLIS} ms from now. */
  interface Later {
    void run(Runnable task);
  }

  private final Sender sender;
  private final Later later;
  private final Deque<Pending<?>> waiting = new ArrayDeque<>();
  private boolean replaying;
  private boolean retryScheduled;

  /** A write and the result its caller holds. */
  private record Pending<T>(
      Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> commands,
      CompletableFuture<T> result) {}

  WriteBacklog(Sender sender, Later later) {
    this.sender = sender;
    this.later = later;
  }

  <T> CompletableFuture<T> write(
      Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> commands) {
    Pending<T> p = new Pending<>(commands, new CompletableFuture<>());
    boolean behind;
    synchronized (this) {
      behind = !waiting.isEmpty() || replaying;
      if (behind) {
        enqueue(p);
      }
    }
    if (behind) {
      replay(); // try the earlier writes now; fails fast while Redis is still away
    } else {
      send(p);
    }
    return p.result();
  }

  synchronized int size() {
    return waiting.size();
  }

  /** Sends what waits, in order, until Redis refuses one again. */
  void replay() {
    Pending<?> next;
    synchronized (this) {
      if (replaying || waiting.isEmpty()) {
        return;
      }
      replaying = true;
      next = waiting.peekFirst();
    }
    resend(next);
  }

  private <T> void resend(Pending<T> p) {
    stage(p).whenComplete((value, error) -> {
      Pending<?> next;
      synchronized (this) {
        if (error != null && refusedUnsent(error)) {
          replaying = false; // still away: try again shortly, or on reconnection
          scheduleRetry();
          return;
        }
        waiting.pollFirst();
        next = waiting.peekFirst();
        if (next == null) {
          replaying = false;
        }
      }
      settle(p, value, error);
      if (next != null) {
        resend(next);
      }
    });
  }

  /** Holds the lock. At most one retry waits at a time. */
  private void scheduleRetry() {
    if (retryScheduled) {
      return;
    }
    retryScheduled = true;
    later.run(() -> {
      synchronized (this) {
        retryScheduled = false;
      }
      replay();
    });
  }

  private <T> void send(Pending<T> p) {
    stage(p).whenComplete((value, error) -> {
      if (error != null && refusedUnsent(error)) {
        synchronized (this) {
          enqueue(p);
        }
        replay(); // Redis may be back already; the reconnection's replay may have run
        return;
      }
      settle(p, value, error);
    });
  }

  private <T> CompletionStage<T> stage(Pending<T> p) {
    try {
      return sender.send(p.commands());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void enqueue(Pending<?> p) {
    if (waiting.size() >= MAX) {
      p.result().completeExceptionally(new StateException("Redis is away and " + MAX
          + " writes already wait for it; this one is dropped", null));
      return;
    }
    waiting.addLast(p);
  }

  private static <T> void settle(Pending<T> p, Object value, Throwable error) {
    if (error != null) {
      p.result().completeExceptionally(error);
    } else {
      @SuppressWarnings("unchecked")
      T v = (T) value;
      p.result().complete(v);
    }
  }

  /**
   * Whether the write was not applied, so sending it again cannot double it: refused unsent
   * (the connection is down), or refused by Redis without running it because it cannot serve
   * the key now. A Redis Cluster answers {@code CLUSTERDOWN} to every command while a master is
   * failed and not yet replaced, {@code TRYAGAIN} to a multi-key command while its slot moves;
   * a server still reading its files answers {@code LOADING}.
   */
  static boolean refusedUnsent(Throwable error) {
    Throwable t = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    String message = String.valueOf(t.getMessage());
    if (t instanceof io.lettuce.core.RedisCommandExecutionException) {
      return message.startsWith("CLUSTERDOWN") || message.startsWith("TRYAGAIN")
          || message.startsWith("LOADING");
    }
    return t instanceof io.lettuce.core.RedisException && message.contains("not connected");
  }
}
