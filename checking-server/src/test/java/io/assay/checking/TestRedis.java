package io.assay.checking;

import io.assay.redis.RedisAddress;
import io.assay.testing.RedisCluster;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.stream.PendingMessages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the build bundled by embedded-redis) on a free loopback port, or a real
 * Redis Cluster ({@link RedisCluster}), with helpers to queue answers the way the gateway does
 * and to read what the checking servers wrote.
 */
final class TestRedis implements AutoCloseable {

  private final AutoCloseable server;
  private final String url;
  private final AbstractRedisClient client;
  private final RedisClusterCommands<String, String> sync;
  private final RedisClusterAsyncCommands<String, String> async;

  private TestRedis(AutoCloseable server, String url) {
    this.server = server;
    this.url = url;
    RedisAddress address = RedisAddress.parse(url);
    if (address.cluster()) {
      RedisClusterClient cluster = RedisClusterClient.create(address.nodes());
      StatefulRedisClusterConnection<String, String> connection = cluster.connect();
      this.client = cluster;
      this.sync = connection.sync();
      this.async = connection.async();
    } else {
      RedisClient single = RedisClient.create(address.nodes().get(0));
      StatefulRedisConnection<String, String> connection = single.connect();
      this.client = single;
      this.sync = connection.sync();
      this.async = connection.async();
    }
  }

  static TestRedis start() {
    try {
      int port = freePort();
      RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
      return new TestRedis(server::stop, "redis://127.0.0.1:" + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Three masters and their replicas; skips the test where Redis is not installed. */
  static TestRedis cluster() {
    RedisCluster cluster = RedisCluster.start();
    return new TestRedis(cluster, cluster.url());
  }

  String url() {
    return url;
  }

  RedisClusterCommands<String, String> sync() {
    return sync;
  }

  RedisClusterAsyncCommands<String, String> async() {
    return async;
  }

  /** The major version of the Redis server (of the master the info command reaches). */
  int majorVersion() {
    String info = sync().info("server");
    String version = info.lines().filter(l -> l.startsWith("redis_version:")).findFirst()
        .orElseThrow().substring("redis_version:".length()).trim();
    return Integer.parseInt(version.substring(0, version.indexOf('.')));
  }

  void flush() {
    sync().flushall();
  }

  /** Queues an answer exactly as the gateway's CheckQueue does, pending since {@code at}. */
  String queue(String answerId, String task, String request, String answer, long at) {
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put(CheckingStreams.FIELD_ANSWER_ID, answerId);
    entry.put(CheckingStreams.FIELD_MINER, "miner-" + answerId);
    entry.put(CheckingStreams.FIELD_TASK, task);
    entry.put(CheckingStreams.FIELD_PATH, FakeKind.PATH);
    entry.put(CheckingStreams.FIELD_REQUEST, request);
    entry.put(CheckingStreams.FIELD_ANSWER, answer);
    entry.put(CheckingStreams.FIELD_SYNTHETIC, "true");
    entry.put(CheckingStreams.FIELD_AT, Long.toString(at));
    sync().zadd(CheckingStreams.PENDING, at,
        CheckingStreams.pendingMember(answerId, "miner-" + answerId, task));
    return sync().xadd(CheckingStreams.QUEUE, entry);
  }

  /** Queues an answer exactly as the gateway's CheckQueue does, now. */
  String queue(String answerId, String task, String request, String answer) {
    return queue(answerId, task, request, answer, System.currentTimeMillis());
  }

  /** Queues an answer of {@link FakeKind#TASK} that the fake checker scores {@code score}. */
  String queue(String answerId, double score) {
    return queue(answerId, FakeKind.TASK, FakeKind.requestBody("q-" + answerId),
        FakeKind.answerBody("a-" + answerId, score));
  }

  /** The JSON of every scoring event, in order. */
  List<String> events() {
    return sync().xrange(CheckingStreams.EVENTS, io.lettuce.core.Range.create("-", "+")).stream()
        .map(m -> m.getBody().get("e")).toList();
  }

  List<StreamMessage<String, String>> deadLetters() {
    return sync().xrange(CheckingStreams.DEAD, io.lettuce.core.Range.create("-", "+"));
  }

  /** Entries delivered to the group and not yet acknowledged. */
  long pending() {
    PendingMessages pending = sync().xpending(CheckingStreams.QUEUE, CheckingStreams.GROUP);
    return pending.getCount();
  }

  @Override
  public void close() {
    client.shutdown();
    try {
      server.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop Redis at " + url, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
