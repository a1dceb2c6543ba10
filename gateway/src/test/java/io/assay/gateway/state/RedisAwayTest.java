package io.assay.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: writes made while Redis is away (usage, scoring events) are kept and written when it
 * is back, in order and once each, instead of being dropped.
 */
class RedisAwayTest {

  @Test
  void durableWrites_waitForRedis_andGoOutOnceEachInOrder() throws Exception {
    try (RestartableRedis server = RestartableRedis.start(
            Files.createTempDirectory("assay-redis-away"));
        Redis redis = Redis.connect(server.url())) {
      redis.durableWrites(cmd -> cmd.hincrby("usage", "n", 1)).get(10, TimeUnit.SECONDS);

      server.stop();
      await().atMost(Duration.ofSeconds(10)).until(() -> !redis.isOpen()
          || rejected(redis));
      List<CompletableFuture<?>> writes = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        writes.add(redis.durableWrites(cmd -> cmd.hincrby("usage", "n", 1)));
        String n = Integer.toString(i);
        writes.add(redis.durableWrites(cmd -> cmd.xadd("events", Map.of("i", n))));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> redis.backlogSize() == 200);
      assertThat(writes).noneMatch(CompletableFuture::isDone);

      server.restart(); // back where it was, with its append-only file
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      assertThat(redis.commands().hget("usage", "n").get(10, TimeUnit.SECONDS)).isEqualTo("101");
      List<String> order = new ArrayList<>();
      redis.commands().xrange("events", io.lettuce.core.Range.create("-", "+"))
          .get(10, TimeUnit.SECONDS).forEach(m -> order.add(m.getBody().get("i")));
      assertThat(order).hasSize(100);
      for (int i = 0; i < 100; i++) {
        assertThat(order.get(i)).isEqualTo(Integer.toString(i));
      }
      assertThat(redis.backlogSize()).isZero();
    }
  }

  /** Whether a plain write is refused as Redis being away. */
  private static boolean rejected(Redis redis) {
    try {
      redis.commands().ping().get(1, TimeUnit.SECONDS);
      return false;
    } catch (Exception e) {
      return WriteBacklog.refusedUnsent(e.getCause() == null ? e : e.getCause());
    }
  }
}
