package io.assay.checking;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the build bundled by embedded-redis) on a free loopback port, with helpers
 * to queue answers the way the gateway does and to read what the checking servers wrote.
 */
final class TestRedis implements AutoCloseable {

  private final RedisServer server;
  private final int port;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  private TestRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
    this.client = RedisClient.create(url());
    this.connection = client.connect();
  }

  static TestRedis start() {
    try {
      int port = freePort();
      RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
      return new TestRedis(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  RedisCommands<String, String> sync() {
    return connection.sync();
  }

  io.lettuce.core.api.async.RedisAsyncCommands<String, String> async() {
    return connection.async();
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
    connection.close();
    client.shutdown();
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
