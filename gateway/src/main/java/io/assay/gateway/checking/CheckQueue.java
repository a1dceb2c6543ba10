package io.assay.gateway.checking;

import io.assay.checking.CheckingStreams;
import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.routing.Origin;
import io.assay.gateway.routing.Settlement;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues the answers picked for checking (the dispatcher drew the pick, with probability {@code
 * checking.synthetic_share} or {@code checking.organic_share}, and the outcome event carries it)
 * on the Redis Stream {@link CheckingStreams#QUEUE}, and notes each as pending a verdict ({@link
 * CheckingStreams#PENDING}), both in one script. Checking servers read the queue through a
 * consumer group and write their verdicts as scoring events; answers still pending after {@code
 * checking.verdict_timeout} get a {@code check_failed} event instead. Appends are not awaited and
 * the stream is capped, so a stalled checking fleet cannot grow Redis without bound.
 */
public final class CheckQueue implements DispatchListener {

  /**
   * Answers waiting to be checked, at most (roughly): beyond it the oldest unchecked ones are
   * trimmed, so checking servers that fall behind lose checks rather than Redis its memory
   * (checked ones leave the queue at once). 10,000 answers are gigabytes when they are images; a
   * backlog that long means the checking servers need help, not a longer queue.
   */
  private static final long MAX_QUEUED = 10_000;
  private static final RedisScript QUEUE = new RedisScript("""
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 4))
      redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
      return 1
      """);
  /** The keys {@link #QUEUE} touches: one slot, by the hash tag of {@link CheckingStreams}. */
  public static final List<String> QUEUE_KEYS = List.of(CheckingStreams.QUEUE,
      CheckingStreams.PENDING);
  private static final Logger log = LoggerFactory.getLogger(CheckQueue.class);

  private final Redis redis;
  private final Clock clock;

  public CheckQueue(Redis redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  @Override
  public void settled(Settlement s) {
    if (s.answer() == null || s.answerId() == null || s.checkProbability() == null) {
      return;
    }
    long at = clock.millis();
    String miner = s.miner().hotkey();
    String task = s.task().spec().id();
    Callable<List<String>> entry = () -> {
      List<String> args = new ArrayList<>(List.of(Long.toString(MAX_QUEUED), Long.toString(at),
          CheckingStreams.pendingMember(s.answerId(), miner, task)));
      field(args, CheckingStreams.FIELD_ANSWER_ID, s.answerId());
      field(args, CheckingStreams.FIELD_MINER, miner);
      field(args, CheckingStreams.FIELD_TASK, task);
      field(args, CheckingStreams.FIELD_PATH, s.request().path());
      byte[] request = s.task().minerRequestBody(s.request());
      if ("application/json".equals(s.task().minerContentType(s.request()))) {
        field(args, CheckingStreams.FIELD_REQUEST, utf8(request));
      } else {
        // A form holding pictures is not text: it would not survive as UTF-8.
        field(args, CheckingStreams.FIELD_REQUEST_BASE64,
            java.util.Base64.getEncoder().encodeToString(request));
      }
      // As received when there are bytes to keep (what the receipt signs); a streamed answer
      // is written out from its chunks.
      field(args, CheckingStreams.FIELD_ANSWER, utf8(s.answerBody() != null ? s.answerBody()
          : s.answer().toMinerBody()));
      field(args, CheckingStreams.FIELD_SYNTHETIC,
          Boolean.toString(s.origin() == Origin.SYNTHETIC));
      field(args, CheckingStreams.FIELD_AT, Long.toString(at));
      return args;
    };
    // Writing out a heavy answer (pictures in base64) is a worker's job, not an event loop's.
    Context context = Vertx.currentContext();
    if (s.task().readsAnswersOnWorker() && context != null) {
      context.executeBlocking(entry, false)
          .onSuccess(args -> queue(args, s))
          .onFailure(e -> lost(s, e));
      return;
    }
    try {
      queue(entry.call(), s);
    } catch (Exception e) {
      lost(s, e);
    }
  }

  private void queue(List<String> args, Settlement s) {
    redis.writes(cmd -> QUEUE.<Long>run(redis, cmd, ScriptOutputType.INTEGER,
            QUEUE_KEYS.toArray(String[]::new),
            args.toArray(String[]::new)))
        .exceptionally(e -> {
          lost(s, e);
          return null;
        });
  }

  private static void lost(Settlement s, Throwable e) {
    log.warn("answer {} of {} (request {}) not queued for checking: {}", s.answerId(),
        s.miner().name(), s.requestId() == null ? "synthetic" : s.requestId(),
        e.toString());
  }

  private static void field(List<String> args, String name, String value) {
    args.add(name);
    args.add(value);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
