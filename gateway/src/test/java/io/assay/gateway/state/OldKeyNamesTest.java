package io.assay.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.checking.CheckingStreams;
import io.lettuce.core.Consumer;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A validator's Redis from before the hash tags holds API keys, usage, balances, the check queue
 * and the scoring events under their old names: a gateway of this version moves them once,
 * keeping their values, expiry and consumer group, and a second start moves nothing.
 */
class OldKeyNamesTest {

  private static final String HASH =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  @Test
  void oldNames_moveToTheTaggedNames_once_keepingValuesExpiryAndTheConsumerGroup()
      throws Exception {
    Path dir = Files.createTempDirectory("assay-old-keys");
    try (PrivateRedis server = PrivateRedis.start(dir);
        Redis redis = Redis.connect(server.url())) {
      RedisClusterAsyncCommands<String, String> cmd = redis.commands();
      get(cmd.hset("assay:apikey:" + HASH, Map.of("name", "old", "role", "user")));
      get(cmd.sadd(Keys.apiKeys(), HASH));
      get(cmd.hset("assay:usage:" + HASH, "requests", "41"));
      get(cmd.hset("assay:usage:" + HASH + ":2026-12-06", "llm/m|requests", "41"));
      get(cmd.set("assay:credit:" + HASH, "1000"));
      get(cmd.setex("assay:credit:" + HASH + ":x", 100, "3"));
      get(cmd.xadd("assay:events", Map.of("e", "{\"type\":\"params\"}")));
      get(cmd.xgroupCreate(XReadArgs.StreamOffset.from("assay:checks", "0"),
          CheckingStreams.GROUP, XGroupCreateArgs.Builder.mkstream(true)));
      String queued = get(cmd.xadd("assay:checks", Map.of("answer_id", "a1")));
      get(cmd.xreadgroup(Consumer.from(CheckingStreams.GROUP, "old-server"),
          XReadArgs.StreamOffset.lastConsumed("assay:checks")));
      get(cmd.set(Keys.weightsLatest(), "{}"));

      OldKeyNames.move(redis);

      assertThat(get(cmd.hget(Keys.apiKey(HASH), "name"))).isEqualTo("old");
      assertThat(get(cmd.hget(Keys.usage(HASH), "requests"))).isEqualTo("41");
      assertThat(get(cmd.hget(Keys.usageDay(HASH, "2026-12-06"), "llm/m|requests")))
          .isEqualTo("41");
      assertThat(get(cmd.get(Keys.credit(HASH)))).isEqualTo("1000");
      assertThat(get(cmd.ttl(Keys.credit(HASH) + ":x"))).isBetween(1L, 100L);
      assertThat(get(cmd.xlen(CheckingStreams.EVENTS))).isEqualTo(1);
      // The entry a checking server had read is still pending in the group, under the new name.
      assertThat(get(cmd.xpending(CheckingStreams.QUEUE, CheckingStreams.GROUP)).getCount())
          .isEqualTo(1);
      assertThat(get(cmd.xrange(CheckingStreams.QUEUE, io.lettuce.core.Range.create("-", "+"))))
          .singleElement().satisfies(m -> assertThat(m.getId()).isEqualTo(queued));
      assertThat(get(cmd.exists("assay:apikey:" + HASH, "assay:usage:" + HASH,
          "assay:usage:" + HASH + ":2026-12-06", "assay:credit:" + HASH,
          "assay:credit:" + HASH + ":x", "assay:events", "assay:checks"))).isZero();
      assertThat(get(cmd.smembers(Keys.apiKeys()))).containsExactly(HASH);
      assertThat(get(cmd.get(Keys.weightsLatest()))).isEqualTo("{}");

      // Started again, with a key an old gateway wrote meanwhile under both names: nothing
      // moves, nothing is overwritten.
      get(cmd.hset("assay:usage:" + HASH, "requests", "1"));
      OldKeyNames.move(redis);
      assertThat(get(cmd.hget(Keys.usage(HASH), "requests"))).isEqualTo("41");
      assertThat(get(cmd.hget("assay:usage:" + HASH, "requests"))).isEqualTo("1");
      assertThat(get(cmd.dbsize())).isEqualTo(10);
    }
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
