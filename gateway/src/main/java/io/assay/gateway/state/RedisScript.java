package io.assay.gateway.state;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A Lua script sent by its SHA-1 ({@code EVALSHA}) rather than its text: for scripts run on every
 * request, sending and hashing the text each time cost the gateway and Redis measurably more
 * (bench {@code RedisWriteCost}). Redis forgets loaded scripts when it restarts; a {@code NOSCRIPT}
 * refusal (the script did not run) is answered by sending the text once ({@code EVAL}, which
 * loads it again). Immutable and thread-safe.
 */
public final class RedisScript {

  private final String text;
  private final String sha1;

  public RedisScript(String text) {
    this.text = text;
    try {
      this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  /**
   * Runs the script with {@code cmd} (a connection of {@code redis}); when Redis does not know it,
   * once more by its text through {@link Redis#writes}.
   */
  public <T> CompletionStage<T> run(Redis redis, RedisClusterAsyncCommands<String, String> cmd,
      ScriptOutputType type, String[] keys, String... args) {
    return orByText(cmd.<T>evalsha(sha1, type, keys, args),
        () -> redis.writes(c -> c.<T>eval(text, type, keys, args)));
  }

  /**
   * Runs the script with {@code cmd}, a connection of any codec that sends each command as it is
   * issued (such as {@link Redis#binary}); when Redis does not know it, once more by its text on
   * {@code cmd}.
   */
  public <K, V, T> CompletionStage<T> run(RedisClusterAsyncCommands<K, V> cmd,
      ScriptOutputType type, K[] keys, V[] args) {
    return orByText(cmd.<T>evalsha(sha1, type, keys, args),
        () -> cmd.<T>eval(text, type, keys, args));
  }

  /** {@code bySha}'s result, or on a {@code NOSCRIPT} refusal {@code byText}'s. */
  private static <T> CompletionStage<T> orByText(CompletionStage<T> bySha,
      Supplier<? extends CompletionStage<T>> byText) {
    return bySha.handle((result, e) -> {
      if (e == null) {
        return CompletableFuture.completedFuture(result);
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null
          ? e.getCause() : e;
      if (cause instanceof RedisNoScriptException) {
        return byText.get();
      }
      return CompletableFuture.<T>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  /** The script's text. */
  public String text() {
    return text;
  }
}
