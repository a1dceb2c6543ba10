package io.assay.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.netty.util.concurrent.EventExecutorGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.Disposable;

/**
 * A Lettuce client for what a {@link RedisAddress} names, one server or a Redis Cluster, and the
 * connections made from it. Callers see one command type, {@link RedisClusterAsyncCommands}, which
 * both kinds of connection implement: on a cluster each command goes to the master of its key's
 * slot, so a command (or script) that names several keys must name keys of one slot (hash tags).
 *
 * <p>On a cluster the client follows the topology: a refresh is triggered by a MOVED or ASK
 * redirection and by repeated reconnection attempts (a master that died), at most once per
 * {@link #ADAPTIVE_REFRESH_LIMIT}, and runs every {@link #PERIODIC_REFRESH} regardless, so the
 * promotion of a replica after a failover is found within seconds. Lettuce opens a connection
 * to a master on the first command for it, and with {@link Settings#rejectWhileDisconnected}
 * refuses that command while the connection opens; so each connection opens one to every master
 * when it is made and again whenever the topology changes.
 *
 * <p>Thread-safe. {@link #create} and {@link #connect} block (call them at start-up, off any
 * event loop).
 */
public final class RedisConnections implements AutoCloseable {

  /** Shortest time between two topology refreshes triggered by redirections or reconnections. */
  static final Duration ADAPTIVE_REFRESH_LIMIT = Duration.ofSeconds(1);

  /** Topology refresh regardless of triggers: the bound on following a quiet failover. */
  static final Duration PERIODIC_REFRESH = Duration.ofSeconds(5);

  /** How long {@link #connect} waits for a cluster's masters. */
  private static final long CONNECT_SECONDS = 10;

  /**
   * How the client treats commands.
   *
   * @param requestQueueSize commands a connection holds at most before refusing more (Lettuce's
   *     default is unbounded)
   * @param commandTimeout a command without a reply by then fails
   * @param rejectWhileDisconnected refuse commands at once while a connection is down, and fail
   *     those sent and unanswered when it broke, rather than buffering and sending them again on
   *     reconnection (at most once instead of at least once: for writes that must not count
   *     twice)
   */
  public record Settings(int requestQueueSize, Duration commandTimeout,
      boolean rejectWhileDisconnected) {}

  /** One connection and its commands. */
  public record Connection<K, V>(StatefulConnection<K, V> state,
      RedisClusterAsyncCommands<K, V> commands) implements AutoCloseable {

    @Override
    public void close() {
      state.close();
    }
  }

  private final RedisAddress address;
  private final AbstractRedisClient client;
  /** A cluster's connections, to open to each new master; empty for one server. */
  private final List<StatefulRedisClusterConnection<?, ?>> clusterConnections =
      new CopyOnWriteArrayList<>();
  private final Disposable topologyWatch;

  private RedisConnections(RedisAddress address, AbstractRedisClient client) {
    this.address = address;
    this.client = client;
    this.topologyWatch = !(client instanceof RedisClusterClient) ? null
        : client.getResources().eventBus().get()
            .filter(event -> event instanceof ClusterTopologyChangedEvent)
            .subscribe(event -> clusterConnections.forEach(RedisConnections::openToEveryMaster));
  }

  /** A client for {@code address}; connects nothing yet. */
  public static RedisConnections create(RedisAddress address, Settings settings) {
    ClientOptions.DisconnectedBehavior disconnected = settings.rejectWhileDisconnected()
        ? ClientOptions.DisconnectedBehavior.REJECT_COMMANDS
        : ClientOptions.DisconnectedBehavior.DEFAULT;
    TimeoutOptions timeouts = TimeoutOptions.enabled(settings.commandTimeout());
    if (!address.cluster()) {
      RedisClient client = RedisClient.create(address.nodes().get(0));
      client.setOptions(ClientOptions.builder()
          .requestQueueSize(settings.requestQueueSize())
          .disconnectedBehavior(disconnected)
          .timeoutOptions(timeouts)
          .build());
      return new RedisConnections(address, client);
    }
    RedisClusterClient client = RedisClusterClient.create(address.nodes());
    client.setOptions(ClusterClientOptions.builder()
        .requestQueueSize(settings.requestQueueSize())
        .disconnectedBehavior(disconnected)
        .timeoutOptions(timeouts)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enableAllAdaptiveRefreshTriggers()
            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_LIMIT)
            .enablePeriodicRefresh(PERIODIC_REFRESH)
            .build())
        .build());
    return new RedisConnections(address, client);
  }

  /**
   * A new connection of strings (blocking).
   *
   * @throws io.lettuce.core.RedisException when Redis (no seed of a cluster) cannot be reached
   */
  public Connection<String, String> connect() {
    return connect(StringCodec.UTF8);
  }

  /**
   * A new connection whose keys and values {@code codec} reads and writes (blocking).
   *
   * @throws io.lettuce.core.RedisException when Redis (no seed of a cluster) cannot be reached
   */
  public <K, V> Connection<K, V> connect(RedisCodec<K, V> codec) {
    if (client instanceof RedisClusterClient cluster) {
      StatefulRedisClusterConnection<K, V> c = cluster.connect(codec);
      try {
        CompletableFuture.allOf(openToEveryMaster(c)).get(CONNECT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        c.close();
        throw new RedisException("interrupted while connecting to the cluster's masters", e);
      } catch (ExecutionException | TimeoutException e) {
        c.close();
        throw new RedisException("cannot connect to every master of the cluster: "
            + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
      }
      clusterConnections.add(c);
      return new Connection<>(c, c.async());
    }
    StatefulRedisConnection<K, V> c = ((RedisClient) client).connect(codec);
    return new Connection<>(c, c.async());
  }

  public RedisAddress address() {
    return address;
  }

  /**
   * Registers {@code listener} for every connection of this client (on a cluster, also the
   * connections to each node).
   */
  public void addListener(RedisConnectionStateListener listener) {
    client.addListener(listener);
  }

  /** The client's scheduler, for work that must not wait on a caller's thread. */
  public EventExecutorGroup executor() {
    return client.getResources().eventExecutorGroup();
  }

  /**
   * Opens (or finds open) {@code connection}'s connection to each master the client knows.
   *
   * @return one future per master, failing when that master cannot be reached
   */
  private static CompletableFuture<?>[] openToEveryMaster(
      StatefulRedisClusterConnection<?, ?> connection) {
    List<CompletableFuture<?>> opened = new ArrayList<>();
    for (RedisClusterNode node : connection.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
          && connection.isOpen()) {
        opened.add(connection.getConnectionAsync(node.getUri().getHost(),
            node.getUri().getPort()));
      }
    }
    return opened.toArray(CompletableFuture[]::new);
  }

  /** Closes every connection and the client's threads; waits up to two seconds. */
  @Override
  public void close() {
    if (topologyWatch != null) {
      topologyWatch.dispose();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
