package io.assay.gateway.synthetic;

import io.assay.gateway.audit.OutcomeRecorder;
import io.assay.gateway.routing.ActiveStream;
import io.assay.gateway.routing.Dispatcher;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.task.InvalidAnswerException;
import io.assay.task.InvalidRequestException;
import io.assay.task.StreamRelay;
import io.assay.task.Task;
import io.assay.task.TaskRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests every miner on every task it declared capacity for, as SCORING.md section 2 says.
 *
 * <p>At the start of each period, per (miner, task) with declared capacity {@code c}: draw a test
 * fraction {@code f}, aim to test {@code c * f} work units, and plan {@code n = max(1,
 * ceil(c * f / units_per_request))} requests spread evenly over the period with random jitter.
 * When a planned request is due, organic work the miner already did for the task this period
 * counts toward the aim; once organic plus synthetic work reaches it, the remaining requests are
 * not sent. Requests come from the task's synthetic generator and go out through the same
 * dispatcher, path, headers and body encoding as a user's, pinned to the miner under test.
 */
public final class SyntheticScheduler {

  private static final Logger log = LoggerFactory.getLogger(SyntheticScheduler.class);

  private final Vertx vertx;
  private final MinerDirectory directory;
  private final Map<String, Task> tasks;
  private final Dispatcher dispatcher;
  private final OutcomeRecorder outcomes;
  private final TestFractions fractions;
  private final RandomGenerator random;
  private final long periodMillis;

  public SyntheticScheduler(Vertx vertx, MinerDirectory directory, Map<String, Task> tasks,
      Dispatcher dispatcher, OutcomeRecorder outcomes, TestFractions fractions,
      RandomGenerator random, long periodMillis) {
    this.vertx = vertx;
    this.directory = directory;
    this.tasks = tasks;
    this.dispatcher = dispatcher;
    this.outcomes = outcomes;
    this.fractions = fractions;
    this.random = random;
    this.periodMillis = periodMillis;
  }

  /**
   * Plans period {@code period}'s synthetic requests from the declarations now known. Started
   * part-way through a period (at start-up), it plans only the share of the period left, spread
   * over what is left.
   *
   * @return how many requests were planned
   */
  public int plan(long period, long nowMillis) {
    long start = period * periodMillis;
    long end = start + periodMillis;
    long from = Math.max(nowMillis, start);
    double share = (double) (end - from) / periodMillis;
    int planned = 0;
    Collection<MinerNode> miners = directory.all();
    for (MinerNode node : miners) {
      for (Map.Entry<String, Task> e : tasks.entrySet()) {
        MinerNode.TaskCapacity cap = node.capacity(e.getKey());
        if (cap == null || cap.period() != period || cap.declared() <= 0) {
          continue;
        }
        Task task = e.getValue();
        long target = volumeToTest(cap.declared(), fractions.draw(random), share);
        int n = requestCount(target, task.spec().unitsPerRequest());
        AtomicLong synthetic = new AtomicLong();
        double slot = (double) (end - from) / n;
        for (int i = 0; i < n; i++) {
          double jitter = (random.nextDouble() - 0.5) * 0.8;
          long at = from + (long) ((i + 0.5 + jitter) * slot);
          long delay = Math.max(1, at - nowMillis);
          vertx.setTimer(delay, id -> sendIfNeeded(node, task, period, target, synthetic));
          planned++;
        }
      }
    }
    log.info("period {}: {} synthetic requests planned over {} miners", period, planned,
        miners.size());
    return planned;
  }

  /** {@code c * f} work units, scaled by the share of the period still ahead. */
  static long volumeToTest(long declared, double fraction, double shareOfPeriod) {
    return (long) Math.ceil(declared * fraction * shareOfPeriod);
  }

  /** {@code n = max(1, ceil(volume / units_per_request))}. */
  static int requestCount(long volumeToTest, long unitsPerRequest) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE,
        (volumeToTest + unitsPerRequest - 1) / unitsPerRequest));
  }

  /** Whether more synthetic work is needed once organic work is counted toward the aim. */
  static boolean stillToTest(long volumeToTest, long organicUnits, long syntheticUnits) {
    return organicUnits + syntheticUnits < volumeToTest;
  }

  private void sendIfNeeded(MinerNode node, Task task, long period, long target,
      AtomicLong synthetic) {
    long organic = outcomes.organicUnits(period, node.hotkey(), task.spec().id());
    if (!stillToTest(target, organic, synthetic.get())) {
      return;
    }
    List<TaskRequest> parts;
    List<Long> units = new ArrayList<>();
    try {
      // Split as a user's request is (seeds, nonces, one picture a part), so that what reaches
      // the miner has the same shape and the same randomness as organic traffic.
      parts = task.split(task.syntheticGenerator().next(random));
      for (TaskRequest part : parts) {
        units.add(task.estimateUnits(part));
      }
    } catch (InvalidRequestException e) {
      log.warn("synthetic generator of {} made an invalid request: {}", task.spec().id(),
          e.getMessage());
      return;
    }
    for (int i = 0; i < parts.size(); i++) {
      TaskRequest part = parts.get(i);
      Future<Long> done = part.stream()
          ? dispatcher.openStreamTo(node, task, part, units.get(i)).compose(this::drain)
          : dispatcher.dispatchTo(node, task, part, units.get(i))
              .map(Dispatcher.Served::units);
      done.onSuccess(synthetic::addAndGet);
    }
  }

  /** Reads a synthetic stream to its end, as a user would; returns the work it counted. */
  private Future<Long> drain(ActiveStream active) {
    io.vertx.core.Promise<Long> result = io.vertx.core.Promise.promise();
    StreamRelay relay = active.relay();
    active.stream()
        .handler(chunk -> {
          try {
            relay.accept(chunk);
          } catch (InvalidAnswerException e) {
            active.stream().cancel();
            active.failed(io.assay.gateway.miner.MinerCallException.Outcome.BAD_ANSWER,
                e.getMessage());
            result.tryFail(e);
          }
        })
        .endHandler(v -> {
          try {
            relay.finish();
            long units = active.task().units(active.request(), relay.answer());
            active.succeeded(relay.answer(), units);
            result.tryComplete(units);
          } catch (InvalidAnswerException e) {
            active.failed(io.assay.gateway.miner.MinerCallException.Outcome.BAD_ANSWER,
                e.getMessage());
            result.tryFail(e);
          }
        })
        .exceptionHandler(e -> {
          active.failed(e instanceof io.assay.gateway.miner.MinerCallException m ? m.outcome()
              : io.assay.gateway.miner.MinerCallException.Outcome.ERROR, e.getMessage());
          result.tryFail(e);
        });
    active.stream().resume();
    return result.future();
  }
}
