package io.assay.gateway.audit;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.routing.Origin;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.usage.GatewayMetrics;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every attempt on a miner into a scoring event (success with its work and time,
 * rate-limited, or failed) and keeps, per period, the organic work each miner did for each task,
 * which the synthetic scheduler subtracts from what it still has to test.
 */
public final class OutcomeRecorder implements DispatchListener {

  private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

  private final EventStream events;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final long periodMillis;
  private final Map<String, AtomicLong> organicUnits = new ConcurrentHashMap<>();

  public OutcomeRecorder(EventStream events, GatewayMetrics metrics, Clock clock, Duration period) {
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.periodMillis = period.toMillis();
  }

  @Override
  public void attemptSucceeded(MinerNode miner, Task task, Origin origin, TaskRequest request,
      TaskAnswer answer, String answerId, long units, long millis) {
    long now = clock.millis();
    long period = now / periodMillis;
    if (origin == Origin.ORGANIC) {
      organicUnits.computeIfAbsent(key(period, miner.hotkey(), task.spec().id()),
          k -> new AtomicLong()).addAndGet(units);
    }
    append(new RequestOutcome(now, period, miner.hotkey(), task.spec().id(),
        answerId != null ? answerId : UUID.randomUUID().toString(), RequestOutcome.Outcome.SUCCESS,
        units, Math.max(millis, 1) / 1000.0, origin == Origin.SYNTHETIC));
    metrics.minerCall(miner.name(), "success");
  }

  @Override
  public void attemptFailed(MinerNode miner, Task task, Origin origin,
      MinerCallException.Outcome outcome, long millis, String message) {
    long now = clock.millis();
    RequestOutcome.Outcome recorded = outcome == MinerCallException.Outcome.RATE_LIMITED
        ? RequestOutcome.Outcome.RATE_LIMITED : RequestOutcome.Outcome.FAILED;
    append(new RequestOutcome(now, now / periodMillis, miner.hotkey(), task.spec().id(),
        UUID.randomUUID().toString(), recorded, 0, Math.max(millis, 1) / 1000.0,
        origin == Origin.SYNTHETIC));
    metrics.minerCall(miner.name(), outcome.name().toLowerCase());
    log.debug("miner {} {} on {}: {}", miner.name(), outcome, task.spec().id(), message);
  }

  /** Organic work units {@code miner} did for {@code task} in {@code period} (this gateway). */
  public long organicUnits(long period, String miner, String task) {
    AtomicLong units = organicUnits.get(key(period, miner, task));
    return units == null ? 0 : units.get();
  }

  /** Forgets tallies of periods before {@code period}. */
  public void forgetBefore(long period) {
    organicUnits.keySet().removeIf(k -> Long.parseLong(k.substring(0, k.indexOf('|'))) < period);
  }

  private void append(RequestOutcome event) {
    events.append(event).onFailure(e -> log.warn("scoring event lost: {}", e.getMessage()));
  }

  private static String key(long period, String miner, String task) {
    return period + "|" + miner + "|" + task;
  }
}
