package io.assay.gateway.period;

import io.vertx.core.Future;

/**
 * Drives the scoring periods: at each period start it opens the period (the gateway's wiring
 * draws the test windows, then opens the capacity declarations), and between starts it runs
 * the health check (every miner's {@code GET /capacity}). All of it through one {@link
 * Timeline}.
 *
 * <p>A gateway that starts mid-period opens that period's grace window at its own start, so it
 * serves at once; the period's test windows must then fit after that grace.
 */
public final class PeriodClock {

  /** What happens when a period opens. */
  @FunctionalInterface
  public interface PeriodStart {

    /**
     * Opens {@code period}, whose declaration grace runs from {@code graceFrom}.
     *
     * @return completes when the period is open (for the first one: when every miner answered
     *     or failed its first capacity poll)
     */
    Future<Void> open(long period, long graceFrom);
  }

  private final Timeline timeline;
  private final long periodMillis;
  private final PeriodStart start;
  private final Runnable healthCheck;
  private final long healthMillis;

  /**
   * @param healthCheck run every {@code healthMillis} between period starts
   */
  public PeriodClock(Timeline timeline, long periodMillis, PeriodStart start,
      Runnable healthCheck, long healthMillis) {
    this.timeline = timeline;
    this.periodMillis = periodMillis;
    this.start = start;
    this.healthCheck = healthCheck;
    this.healthMillis = healthMillis;
  }

  /**
   * Opens the current period now; call on the timeline's context.
   *
   * @return completes when the current period is open
   */
  public Future<Void> start() {
    long now = timeline.now();
    long period = Math.floorDiv(now, periodMillis);
    Future<Void> first = start.open(period, now);
    timeline.at((period + 1) * periodMillis, () -> periodStarts(period + 1));
    timeline.at(now + healthMillis, this::healthCheck);
    return first;
  }

  private void periodStarts(long period) {
    start.open(period, period * periodMillis);
    timeline.at((period + 1) * periodMillis, () -> periodStarts(period + 1));
  }

  private void healthCheck() {
    healthCheck.run();
    timeline.at(timeline.now() + healthMillis, this::healthCheck);
  }
}
