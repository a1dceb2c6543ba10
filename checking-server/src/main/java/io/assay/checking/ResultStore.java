package io.assay.checking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes what became of queue entries, each in one Lua script so that Redis applies it whole or
 * not at all.
 *
 * <p>A result marks the answer in {@link CheckingStreams#CHECKED} with {@code HSETNX}, appends the
 * {@code quality_checked} event only if that mark is new, and acknowledges the entry. A server
 * that crashes before the script leaves the entry pending for another to claim; one that crashes
 * after it has nothing left to do; and a second check of the same answer (a claim that raced a
 * slow server, or the gateway queueing an answer twice) finds the mark and only acknowledges. So
 * every answer is scored exactly once. A settled entry is deleted from the queue with its
 * acknowledgement: entries carry whole answers (an image is hundreds of kilobytes), so the queue
 * holds only what is still to be checked.
 *
 * <p>The scripts touch several keys, so on a Redis Cluster these keys must share a slot.
 * Thread-safe; every method returns at once.
 */
final class ResultStore {

  private static final String RECORD = """
      local fresh = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
      if fresh == 1 then
        redis.call('XADD', KEYS[2], '*', 'e', ARGV[3])
      end
      redis.call('XACK', KEYS[3], ARGV[4], ARGV[5])
      redis.call('XDEL', KEYS[3], ARGV[5])
      return fresh
      """;

  private static final String DEAD_LETTER = """
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 4))
      redis.call('XACK', KEYS[2], ARGV[2], ARGV[3])
      redis.call('XDEL', KEYS[2], ARGV[3])
      return 1
      """;

  /** Dead letters kept, roughly; older ones are trimmed. */
  static final long MAX_DEAD_LETTERS = 100_000;

  private static final String RECORD_SHA = sha1(RECORD);
  private static final String DEAD_LETTER_SHA = sha1(DEAD_LETTER);

  private final RedisAsyncCommands<String, String> redis;

  ResultStore(RedisAsyncCommands<String, String> redis) {
    this.redis = redis;
  }

  /**
   * Scores {@code entry} with {@code quality} unless its answer is already scored, and
   * acknowledges it.
   *
   * @return true when this call wrote the event, false when the answer had been scored before
   */
  CompletionStage<Boolean> record(QueueEntry entry, double quality, long at) {
    String[] keys = {CheckingStreams.CHECKED, CheckingStreams.EVENTS, CheckingStreams.QUEUE};
    return this.<Long>script(RECORD_SHA, RECORD, keys, entry.answerId(),
            Double.toString(quality), event(entry, quality, at), CheckingStreams.GROUP,
            entry.id())
        .thenApply(fresh -> fresh == 1L);
  }

  /** Copies an entry to {@link CheckingStreams#DEAD} with why it was given up, and acknowledges it. */
  CompletionStage<Void> deadLetter(String id, Map<String, String> fields, String reason,
      long deliveries, String consumer) {
    List<String> args = new ArrayList<>(List.of(Long.toString(MAX_DEAD_LETTERS),
        CheckingStreams.GROUP, id, "entry_id", id, "reason", reason,
        "deliveries", Long.toString(deliveries), "consumer", consumer));
    if (fields != null) {
      fields.forEach((name, value) -> {
        args.add(name);
        args.add(value);
      });
    }
    String[] keys = {CheckingStreams.DEAD, CheckingStreams.QUEUE};
    return this.<Long>script(DEAD_LETTER_SHA, DEAD_LETTER, keys, args.toArray(String[]::new))
        .thenApply(ignored -> null);
  }

  /** The scoring event, exactly as the gateway's scoring reads it. */
  static String event(QueueEntry entry, double quality, long at) {
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("type", "quality_checked");
    e.put("at", at);
    e.put("miner", entry.miner());
    e.put("task", entry.task());
    e.put("answer_id", entry.answerId());
    e.put("quality", quality);
    try {
      return Json.MAPPER.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new UncheckedIOException("cannot write a quality_checked event", ex);
    }
  }

  /** Runs a script by digest, sending its text only when Redis does not have it cached. */
  private <T> CompletionStage<T> script(String sha, String text, String[] keys, String... args) {
    CompletionStage<T> bySha = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
    return bySha.<CompletionStage<T>>handle((value, error) -> {
      if (error == null) {
        return CompletableFuture.completedFuture(value);
      }
      Throwable cause = error instanceof java.util.concurrent.CompletionException
          ? error.getCause() : error;
      if (cause instanceof RedisNoScriptException) {
        return redis.<T>eval(text, ScriptOutputType.INTEGER, keys, args);
      }
      return CompletableFuture.<T>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  private static String sha1(String script) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1")
          .digest(script.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }
}
