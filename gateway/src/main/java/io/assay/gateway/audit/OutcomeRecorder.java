package io.assay.gateway.audit;

import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.routing.Settlement;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import io.assay.gateway.metrics.GatewayMetrics;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every settled attempt on a miner into a scoring event ({@link RequestOutcome}: its
 * assignment time, estimate, work, outcome, origin and check probability), and a test window
 * stopped by failures in a row into a {@link TestShortfall} for the rest of it.
 */
public final class OutcomeRecorder implements DispatchListener {

  private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

  private final EventStream events;
  private final GatewayMetrics metrics;
  private final Clock clock;
  private final long periodMillis;

  public OutcomeRecorder(EventStream events, GatewayMetrics metrics, Clock clock,
      long periodMillis) {
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.periodMillis = periodMillis;
  }

  @Override
  public void settled(Settlement s) {
    long now = clock.millis();
    long assignedAt = s.reservation().assignedAt();
    long period = Math.floorDiv(assignedAt, periodMillis);
    String miner = s.miner().hotkey();
    String task = s.task().spec().id();
    append(new RequestOutcome(now, assignedAt, period, miner, task,
        s.answerId() != null ? s.answerId() : UUID.randomUUID().toString(), s.outcome(),
        s.reservation().estimate(), s.units(), s.seconds(),
        s.origin() == io.assay.gateway.routing.Origin.SYNTHETIC, s.checkProbability(),
        s.task().circuitId().orElse(null)));
    if (s.windowGivenUp() > 0) {
      append(new TestShortfall(now, period, miner, task, s.windowGivenUp(),
          RequestOutcome.Outcome.FAILED, "the test window stopped after failures in a row"));
    }
    metrics.minerCall(s.miner().name(), task, s.outcome(), s.failure());
    if (s.message() != null) {
      log.debug("miner {} {} on {} (request {}): {}", s.miner().name(), s.outcome(), task,
          s.requestId() == null ? "synthetic" : s.requestId(), s.message());
    }
  }

  private void append(io.assay.gateway.scoring.ScoringEvent event) {
    events.append(event).onFailure(e -> log.warn("scoring event lost: {}", e.getMessage()));
  }
}
