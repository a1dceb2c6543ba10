package io.assay.gateway.state;

import io.assay.redis.RedisAddress;
import io.assay.redis.RedisConnections;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The gateway's Redis connections (Lettuce multiplexes each; commands from every event loop are
 * pipelined on them). Results re-enter the caller's Vert.x context, so callers compose Vert.x
 * futures and never see Lettuce's.
 *
 * <p>Two connections: {@link #commands()} sends each command as it is issued, for reads and
 * anything a caller waits on; {@link #writes} is for the writes a request makes on its way out
 * (usage, its scoring event, its check entry, its rate-limit count). Those issued during one
 * event-loop task leave in one network write when the task ends, rather than one write (and one
 * system call on each side) per command. Commands on one connection reach Redis in the order they
 * were issued; there is no order between the two.
 *
 * <p>A third, {@link #binary}, carries large binary values (published files) apart from both.
 *
 * <p>The request queue is bounded and commands time out, so a slow or absent Redis sheds load
 * instead of growing memory.
 *
 * <p>Redis is one server or a Redis Cluster ({@link RedisAddress}); callers see the commands
 * both have, and a command or script naming several keys names keys of one slot ({@link Keys}).
 * On a cluster, commands Redis redirects to another master (after a failover, MOVED) are queued
 * again by Lettuce on the batched connection from one of its own threads, where no task end
 * flushes them, as are commands that waited for their master's connection to open; a sweep
 * every {@link #CLUSTER_SWEEP_MILLIS} ms sends them.
 */
public final class Redis implements AutoCloseable {

  /** Whether this event-loop thread has a flush of {@link #batched} queued after its task. */
  private static final ThreadLocal<boolean[]> FLUSH_QUEUED = ThreadLocal.withInitial(
      () -> new boolean[1]);

  /** How often, on a cluster, the batched connection is flushed regardless of tasks. */
  static final long CLUSTER_SWEEP_MILLIS = 10;

  private final RedisConnections client;
  private final RedisConnections.Connection<String, String> connection;
  private final RedisConnections.Connection<String, String> batched;
  /**
   * Raw bytes, for files handed out by URL: stored as they are (base64 in a String would take a
   * third more memory and a pass each way), on a connection of their own so that a few megabytes
   * of picture do not queue the small commands of every request behind them.
   */
  private final RedisConnections.Connection<byte[], byte[]> binary;
  private final WriteBacklog backlog;
  private final java.util.concurrent.Future<?> sweep;

  private Redis(RedisConnections client, RedisConnections.Connection<String, String> connection,
      RedisConnections.Connection<String, String> batched) {
    this.client = client;
    this.connection = connection;
    this.batched = batched;
    this.binary = client.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE);
    this.backlog = new WriteBacklog(this::writeStage, task -> client.executor()
        .schedule(task, WriteBacklog.RETRY_MILLIS, TimeUnit.MILLISECONDS));
    batched.state().setAutoFlushCommands(false);
    this.sweep = !client.address().cluster() ? null : client.executor().scheduleWithFixedDelay(
        batched.state()::flushCommands, CLUSTER_SWEEP_MILLIS, CLUSTER_SWEEP_MILLIS,
        TimeUnit.MILLISECONDS);
    client.addListener(new io.lettuce.core.RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> connection,
          java.net.SocketAddress address) {
        backlog.replay();
      }
    });
  }

  /**
   * Connects to {@code url}, {@code redis://...} or {@code redis-cluster://...} (blocking; call
   * at start-up, off the event loop). Commands are refused at once while Redis is away, and
   * those sent when a connection broke fail rather than go out again: at most once, so a
   * counter is never incremented twice.
   *
   * @throws IllegalArgumentException when {@code url} is none of those forms
   */
  public static Redis connect(String url) {
    RedisAddress address = RedisAddress.parse(url);
    RedisConnections client = RedisConnections.create(address,
        new RedisConnections.Settings(100_000, Duration.ofSeconds(5), true));
    try {
      return new Redis(client, client.connect(), client.connect());
    } catch (RuntimeException e) {
      client.close();
      throw new StateException("cannot connect to Redis at " + address.describe() + ": "
          + e.getMessage(), e);
    }
  }

  /** Whether this is a Redis Cluster. */
  public boolean cluster() {
    return client.address().cluster();
  }

  /** Asynchronous commands; wrap results with {@link #on}. */
  public RedisClusterAsyncCommands<String, String> commands() {
    return connection.commands();
  }

  /**
   * Asynchronous commands on raw bytes (keys and values), each sent as it is issued; wrap results
   * with {@link #on}. For large binary values (published files). Typed as the commands a Redis
   * Cluster connection offers too, so callers need not change when the store is a cluster.
   */
  public RedisClusterAsyncCommands<byte[], byte[]> binary() {
    return binary.commands();
  }

  /**
   * Issues {@code commands} on the batched connection and returns what they return. On an event
   * loop they are flushed when the current task ends (together with every other write of that
   * task); anywhere else, at once.
   */
  public <T> T writes(Function<RedisClusterAsyncCommands<String, String>, T> commands) {
    T result = commands.apply(batched.commands());
    Context context = Vertx.currentContext();
    if (context == null || !context.isEventLoopContext()) {
      batched.state().flushCommands();
      return result;
    }
    boolean[] queued = FLUSH_QUEUED.get();
    if (!queued[0]) {
      queued[0] = true;
      context.runOnContext(v -> {
        queued[0] = false;
        batched.state().flushCommands();
      });
    }
    return result;
  }

  /**
   * Like {@link #writes}, for writes that must not be lost while Redis is away (usage, scoring
   * events): when Redis refuses them unsent (the connection is down), they wait in a bounded
   * backlog and go out, in order, when it is back; the result completes then. Writes that may
   * have reached Redis before the connection broke are not sent again (that could count them
   * twice) and fail, as does a write refused while the backlog is full.
   */
  public <T> java.util.concurrent.CompletableFuture<T> durableWrites(
      Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> commands) {
    return backlog.write(commands);
  }

  private <T> CompletionStage<T> writeStage(
      Function<RedisClusterAsyncCommands<String, String>, ? extends CompletionStage<T>> commands) {
    return writes(commands);
  }

  /** Writes waiting for Redis to come back. */
  public int backlogSize() {
    return backlog.size();
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
    return connection.state().isOpen() && batched.state().isOpen();
  }

  @Override
  public void close() {
    if (sweep != null) {
      sweep.cancel(false);
    }
    batched.state().flushCommands();
    batched.close();
    binary.close();
    connection.close();
    client.close();
  }
}
