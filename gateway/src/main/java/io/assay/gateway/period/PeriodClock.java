package io.assay.gateway.period;

import io.assay.gateway.routing.CapacityPoller;
import io.assay.gateway.synthetic.TestWindows;
import io.vertx.core.Future;

/**
 * Drives the scoring periods: at each period start the capacity declarations are opened
 * ({@link CapacityPoller#openPeriod}) and the test windows drawn ({@link TestWindows}); between
 * starts every miner's {@code GET /capacity} is asked as a health check. All of it through one
 * {@link Timeline}.
 *
 * <p>A gateway that starts mid-period opens that period's grace window at its own start, so it
 * serves at once; the period's test windows must then fit after that grace.
 */
public final class PeriodClock {

  private final Timeline timeline;
  private final long periodMillis;
  private final CapacityPoller poller;
  private final TestWindows windows;
  private final long healthMillis;

  /**
   * @param windows plans test windows; null when synthetic traffic is off
   * @param healthMillis how often every miner is asked {@code GET /capacity} as a health check
   */
  public PeriodClock(Timeline timeline, long periodMillis, CapacityPoller poller,
      TestWindows windows, long healthMillis) {
    this.timeline = timeline;
    this.periodMillis = periodMillis;
    this.poller = poller;
    this.windows = windows;
    this.healthMillis = healthMillis;
  }

  /**
   * Opens the current period now; call on the timeline's context.
   *
   * @return completes when every miner answered (or failed) its first capacity poll
   */
  public Future<Void> start() {
    long now = timeline.now();
    long period = Math.floorDiv(now, periodMillis);
    Future<Void> first = open(period, now);
    timeline.at((period + 1) * periodMillis, () -> periodStarts(period + 1));
    timeline.at(now + healthMillis, this::healthCheck);
    return first;
  }

  private Future<Void> open(long period, long graceFrom) {
    if (windows != null) {
      windows.openPeriod(period, graceFrom);
    }
    return poller.openPeriod(period, graceFrom);
  }

  private void periodStarts(long period) {
    open(period, period * periodMillis);
    timeline.at((period + 1) * periodMillis, () -> periodStarts(period + 1));
  }

  private void healthCheck() {
    poller.healthCheck();
    timeline.at(timeline.now() + healthMillis, this::healthCheck);
  }
}
