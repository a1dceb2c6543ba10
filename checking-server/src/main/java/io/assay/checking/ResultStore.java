package io.assay.checking;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes what became of queued answers, each in one Lua script so that Redis applies it whole or
 * not at all.
 *
 * <p>A verdict marks the answer in {@link CheckingStreams#CHECKED} with {@code HSETNX}, appends
 * the {@code quality_checked} event and notes the task's latest verdict only if that mark is new,
 * takes the answer out of {@link CheckingStreams#PENDING}, and acknowledges the entry. A failed
 * check (dead letter, verdict timeout) makes the same mark and appends a {@code check_failed}
 * event instead, its cause decided in the script from the task's latest verdict. A server that
 * crashes before a script leaves the entry pending for another to claim; one that crashes after
 * has nothing left to do; and a second result for the same answer (a claim that raced a slow
 * server, a verdict after a timeout) finds the mark and changes nothing. So every answer ends
 * with exactly one verdict or failure. A settled entry is deleted from the queue with its
 * acknowledgement: entries carry whole answers (an image is hundreds of kilobytes), so the queue
 * holds only what is still to be checked.
 *
 * <p>The scripts touch several keys, so on a Redis Cluster these keys must share a slot: they do,
 * by the hash tag of {@link CheckingStreams}. Thread-safe; every method returns at once.
 */
public final class ResultStore {

  private static final String RECORD = """
      local fresh = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
      if fresh == 1 then
        redis.call('XADD', KEYS[2], '*', 'e', ARGV[3])
        redis.call('HSET', KEYS[5], ARGV[7], ARGV[8])
      end
      redis.call('ZREM', KEYS[4], ARGV[6])
      redis.call('XACK', KEYS[3], ARGV[4], ARGV[5])
      redis.call('XDEL', KEYS[3], ARGV[5])
      return fresh
      """;

  /** The failure of one answer; KEYS checked, events, pending, last verdict. */
  private static final String FAIL_BODY = """
      local function fail(answer, member, task, cutoff, ifService, ifAnswer)
        redis.call('ZREM', KEYS[3], member)
        local fresh = redis.call('HSETNX', KEYS[1], answer, 'failed')
        if fresh == 1 then
          local last = tonumber(redis.call('HGET', KEYS[4], task) or '-1')
          if last >= tonumber(cutoff) then
            redis.call('XADD', KEYS[2], '*', 'e', ifAnswer)
          else
            redis.call('XADD', KEYS[2], '*', 'e', ifService)
          end
        end
        return fresh
      end
      """;

  private static final String FAIL = FAIL_BODY + """
      return fail(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
      """;

  /** KEYS as {@link #FAIL} plus dead letters and queue; ARGV[1..6] the failure ('' for none). */
  private static final String DEAD_LETTER = FAIL_BODY + """
      if ARGV[1] ~= '' then
        fail(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
      end
      redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[7], '*', unpack(ARGV, 10))
      redis.call('XACK', KEYS[6], ARGV[8], ARGV[9])
      redis.call('XDEL', KEYS[6], ARGV[9])
      return 1
      """;

  /** Dead letters kept, roughly; older ones are trimmed. */
  static final long MAX_DEAD_LETTERS = 100_000;

  /** The keys of {@link #RECORD}, {@link #FAIL} and {@link #DEAD_LETTER}, in their order. */
  static final String[] RECORD_KEYS = {CheckingStreams.CHECKED, CheckingStreams.EVENTS,
      CheckingStreams.QUEUE, CheckingStreams.PENDING, CheckingStreams.LAST_VERDICT};
  static final String[] FAIL_KEYS = {CheckingStreams.CHECKED, CheckingStreams.EVENTS,
      CheckingStreams.PENDING, CheckingStreams.LAST_VERDICT};
  static final String[] DEAD_LETTER_KEYS = {CheckingStreams.CHECKED, CheckingStreams.EVENTS,
      CheckingStreams.PENDING, CheckingStreams.LAST_VERDICT, CheckingStreams.DEAD,
      CheckingStreams.QUEUE};

  private static final String RECORD_SHA = sha1(RECORD);
  private static final String FAIL_SHA = sha1(FAIL);
  private static final String DEAD_LETTER_SHA = sha1(DEAD_LETTER);

  private final RedisClusterAsyncCommands<String, String> redis;
  private final Duration verdictTimeout;

  /**
   * @param verdictTimeout decides a failure's cause: {@code service} when the task had no
   *     verdict within this time before it
   */
  public ResultStore(RedisClusterAsyncCommands<String, String> redis, Duration verdictTimeout) {
    this.redis = redis;
    this.verdictTimeout = verdictTimeout;
  }

  /**
   * Scores {@code entry} with {@code quality} unless its answer is already settled, and
   * acknowledges it.
   *
   * @return true when this call wrote the event, false when the answer had been settled before
   */
  CompletionStage<Boolean> record(QueueEntry entry, double quality, long at) {
    return this.<Long>script(RECORD_SHA, RECORD, RECORD_KEYS, entry.answerId(),
            Double.toString(quality),
            CheckingStreams.qualityChecked(entry.answerId(), entry.miner(), entry.task(), quality,
                at),
            CheckingStreams.GROUP, entry.id(),
            CheckingStreams.pendingMember(entry.answerId(), entry.miner(), entry.task()),
            entry.task(), Long.toString(at))
        .thenApply(fresh -> fresh == 1L);
  }

  /**
   * Records that an answer got no verdict ({@code check_failed}) unless it is already settled.
   *
   * @return true when this call wrote the event
   */
  public CompletionStage<Boolean> fail(String answerId, String miner, String task, long at) {
    return this.<Long>script(FAIL_SHA, FAIL, FAIL_KEYS, failArgs(answerId, miner, task, at)
            .toArray(String[]::new))
        .thenApply(fresh -> fresh == 1L);
  }

  /**
   * Copies an entry to {@link CheckingStreams#DEAD} with why it was given up, records its answer
   * as failed ({@code check_failed}) when the entry names one, and acknowledges it.
   */
  CompletionStage<Void> deadLetter(String id, Map<String, String> fields, String reason,
      long deliveries, String consumer, long at) {
    String answerId = fields == null ? null : fields.get(CheckingStreams.FIELD_ANSWER_ID);
    String miner = fields == null ? null : fields.get(CheckingStreams.FIELD_MINER);
    String task = fields == null ? null : fields.get(CheckingStreams.FIELD_TASK);
    List<String> args = answerId == null || miner == null || task == null
        ? new ArrayList<>(List.of("", "", "", "", "", ""))
        : failArgs(answerId, miner, task, at);
    args.addAll(List.of(Long.toString(MAX_DEAD_LETTERS), CheckingStreams.GROUP, id, "entry_id",
        id, "reason", reason, "deliveries", Long.toString(deliveries), "consumer", consumer));
    if (fields != null) {
      fields.forEach((name, value) -> {
        args.add(name);
        args.add(value);
      });
    }
    return this.<Long>script(DEAD_LETTER_SHA, DEAD_LETTER, DEAD_LETTER_KEYS, args.toArray(String[]::new))
        .thenApply(ignored -> null);
  }

  private List<String> failArgs(String answerId, String miner, String task, long at) {
    return new ArrayList<>(List.of(answerId, CheckingStreams.pendingMember(answerId, miner, task),
        task, Long.toString(at - verdictTimeout.toMillis()),
        CheckingStreams.checkFailed(answerId, miner, task, true, at),
        CheckingStreams.checkFailed(answerId, miner, task, false, at)));
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
