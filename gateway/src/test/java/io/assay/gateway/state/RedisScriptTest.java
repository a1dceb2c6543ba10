package io.assay.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ScriptOutputType;
import java.nio.file.Files;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scripts go by SHA-1, and a Redis that does not know the script (never loaded, or forgotten
 * by a restart or SCRIPT FLUSH) still runs it, exactly once.
 */
class RedisScriptTest {

  private static final RedisScript INCREMENT = new RedisScript(
      "return redis.call('INCRBY', KEYS[1], ARGV[1])");

  @Test
  void unknownScript_runsOnceByItsText_thenBySha() throws Exception {
    try (PrivateRedis server = PrivateRedis.start(Files.createTempDirectory("assay-script"));
        Redis redis = Redis.connect(server.url())) {
      assertThat(redis.commands().scriptExists(sha(redis)).get(5, TimeUnit.SECONDS))
          .containsExactly(false);

      assertThat(run(redis, 5)).isEqualTo(5); // NOSCRIPT, then EVAL
      assertThat(redis.commands().scriptExists(sha(redis)).get(5, TimeUnit.SECONDS))
          .containsExactly(true);
      assertThat(run(redis, 2)).isEqualTo(7); // EVALSHA

      redis.commands().scriptFlush().get(5, TimeUnit.SECONDS); // as a restart forgets it
      assertThat(run(redis, 3)).isEqualTo(10);
      assertThat(redis.commands().get("n").get(5, TimeUnit.SECONDS)).isEqualTo("10");
    }
  }

  @Test
  void aScriptError_failsTheCall_withoutRunningItAgain() throws Exception {
    RedisScript failing = new RedisScript(
        "redis.call('INCR', KEYS[1]) return redis.call('HGET', KEYS[1], 'x')");
    try (PrivateRedis server = PrivateRedis.start(Files.createTempDirectory("assay-script"));
        Redis redis = Redis.connect(server.url())) {
      assertThatThrownBy(() -> redis.writes(cmd -> failing.<Long>run(redis, cmd,
          ScriptOutputType.INTEGER, new String[] {"k"})).toCompletableFuture()
          .get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasMessageContaining("WRONGTYPE");
      assertThat(redis.commands().get("k").get(5, TimeUnit.SECONDS)).isEqualTo("1");
    }
  }

  private static long run(Redis redis, long n) throws Exception {
    return redis.durableWrites(cmd -> INCREMENT.<Long>run(redis, cmd, ScriptOutputType.INTEGER,
        new String[] {"n"}, Long.toString(n))).get(5, TimeUnit.SECONDS);
  }

  private static String sha(Redis redis) throws Exception {
    return redis.commands().digest(INCREMENT.text());
  }
}
