package io.assay.gateway.checking;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.routing.Origin;
import io.assay.gateway.state.Redis;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues answers for the checking servers on the Redis Stream {@value #STREAM}: every synthetic
 * answer, and a configurable share of organic ones (drawn at random, so a miner cannot know which
 * of its answers will be checked). Checking servers read the stream through a consumer group and
 * write their quality results as scoring events. Appends are not awaited and the stream is
 * capped, so a stalled checking fleet cannot grow Redis without bound.
 */
public final class CheckQueue implements DispatchListener {

  public static final String STREAM = "assay:checks";
  /**
   * Answers waiting to be checked, at most (roughly): beyond it the oldest unchecked ones are
   * trimmed, so checking servers that fall behind lose checks rather than Redis its memory
   * (checked ones leave the queue at once). 10,000 answers are gigabytes when they are images; a
   * backlog that long means the checking servers need help, not a longer queue.
   */
  private static final long MAX_QUEUED = 10_000;
  private static final Logger log = LoggerFactory.getLogger(CheckQueue.class);

  private final Redis redis;
  private final Clock clock;
  private final double organicShare;
  private final RandomGenerator random;

  /**
   * @param organicShare the share of organic answers to check, 0 to 1
   */
  public CheckQueue(Redis redis, Clock clock, double organicShare, RandomGenerator random) {
    this.redis = redis;
    this.clock = clock;
    this.organicShare = organicShare;
    this.random = random;
  }

  @Override
  public void attemptSucceeded(MinerNode miner, Task task, Origin origin, TaskRequest request,
      TaskAnswer answer, String answerId, long units, long millis) {
    if (answer == null || answerId == null) {
      return;
    }
    boolean check = origin == Origin.SYNTHETIC || random.nextDouble() < organicShare;
    if (!check) {
      return;
    }
    long at = clock.millis();
    Callable<Map<String, String>> entry = () -> {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("answer_id", answerId);
      fields.put("miner", miner.hotkey());
      fields.put("task", task.spec().id());
      fields.put("path", request.path());
      fields.put("request", utf8(task.minerRequestBody(request)));
      fields.put("answer", utf8(answer.toMinerBody()));
      fields.put("synthetic", Boolean.toString(origin == Origin.SYNTHETIC));
      fields.put("at", Long.toString(at));
      return fields;
    };
    // Writing out a heavy answer (pictures in base64) is a worker's job, not an event loop's.
    Context context = Vertx.currentContext();
    if (task.readsAnswersOnWorker() && context != null) {
      context.executeBlocking(entry, false)
          .onSuccess(fields -> queue(fields, answerId, miner))
          .onFailure(e -> log.warn("answer {} of {} not queued for checking: {}", answerId,
              miner.name(), e.toString()));
      return;
    }
    try {
      queue(entry.call(), answerId, miner);
    } catch (Exception e) {
      log.warn("answer {} of {} not queued for checking: {}", answerId, miner.name(),
          e.toString());
    }
  }

  private void queue(Map<String, String> fields, String answerId, MinerNode miner) {
    redis.commands().xadd(STREAM, io.lettuce.core.XAddArgs.Builder.maxlen(MAX_QUEUED)
        .approximateTrimming(), fields).exceptionally(e -> {
          log.warn("answer {} of {} not queued for checking: {}", answerId, miner.name(),
              e.getMessage());
          return null;
        });
  }

  @Override
  public void attemptFailed(MinerNode miner, Task task, Origin origin,
      MinerCallException.Outcome outcome, long millis, String message) {
    // nothing to check: failures are scored from their outcome alone
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
