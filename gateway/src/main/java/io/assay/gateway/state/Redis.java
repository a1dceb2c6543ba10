package io.assay.gateway.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's one Redis connection (Lettuce multiplexes it; commands from every event loop are
 * pipelined on it). Results re-enter the caller's Vert.x context, so callers compose Vert.x
 * futures and never see Lettuce's.
 *
 * <p>The request queue is bounded and commands time out, so a slow or absent Redis sheds load
 * instead of growing memory.
 */
public final class Redis implements AutoCloseable {

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  private Redis(RedisClient client, StatefulRedisConnection<String, String> connection) {
    this.client = client;
    this.connection = connection;
  }

  /** Connects to {@code url} (blocking; call at start-up, off the event loop). */
  public static Redis connect(String url) {
    RedisClient client = RedisClient.create(RedisURI.create(url));
    client.setOptions(ClientOptions.builder()
        .requestQueueSize(100_000)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(5)))
        .build());
    try {
      return new Redis(client, client.connect());
    } catch (RuntimeException e) {
      client.shutdown();
      throw new StateException("cannot connect to Redis at " + url + ": " + e.getMessage(), e);
    }
  }

  /** Asynchronous commands; wrap results with {@link #on}. */
  public RedisAsyncCommands<String, String> commands() {
    return connection.async();
  }

  /**
   * A Lettuce result as a Vert.x future completing on the current context (or on any thread
   * when called outside Vert.x).
   */
  public static <T> Future<T> on(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    Future<T> future = context == null
        ? Future.fromCompletionStage(stage)
        : Future.fromCompletionStage(stage, context);
    return future.recover(e -> Future.failedFuture(
        new StateException("Redis command failed: " + e.getMessage(), e)));
  }

  public boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
