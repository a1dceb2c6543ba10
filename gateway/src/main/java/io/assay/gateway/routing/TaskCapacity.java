package io.assay.gateway.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one miner bound itself to for one task in one period (SCORING.md section 1) and what it
 * has been asked since: routing never asks more than the declared volume {@code c}, nor more
 * requests at once than the declared concurrency, counting streams until they end and every
 * attempt of a retried request. Units are reserved at the estimate {@code e} before a request
 * is sent and settle at the work done (a success or an abandoned stream) or stay at {@code e}
 * (a failure or a 429), as SCORING.md section 2 says.
 *
 * <p>Once the period's test window is planned ({@link #plan}), routing outside the window leaves
 * what the window still owes ({@code c_W} minus what it was asked), so organic demand early in
 * the period cannot use up the volume the test needs; inside the window a request starts only
 * while the window has been asked less than {@code c_W} (the first always).
 *
 * <p>Thread-safe: every method holds this object's lock, briefly.
 */
public final class TaskCapacity {

  private final long period;
  private final long declared;
  private final int concurrency;
  private long asked;
  private final AtomicInteger inFlight;
  private long pausedUntil;
  private int consecutiveFailures;
  private TestWindow window;
  /** This gateway's leases of the capacity, when gateways share it; null when alone. */
  private final SharedCapacity shared;

  /**
   * @param declared {@code c}, in work units
   * @param concurrency requests at once, at least 1 when {@code declared > 0}
   */
  public TaskCapacity(long period, long declared, int concurrency) {
    this(period, declared, concurrency, new AtomicInteger());
  }

  /**
   * @param inFlight the miner's requests of this task under way, shared with the bindings of
   *     other periods: a request that started last period still holds its place at once
   */
  TaskCapacity(long period, long declared, int concurrency, AtomicInteger inFlight) {
    this(period, declared, concurrency, inFlight, null);
  }

  /**
   * @param shared this gateway's leases of the capacity from the ledger all gateways share, or
   *     null for a gateway alone
   */
  TaskCapacity(long period, long declared, int concurrency, AtomicInteger inFlight,
      SharedCapacity shared) {
    this.period = period;
    this.declared = declared;
    this.concurrency = concurrency;
    this.inFlight = inFlight;
    this.shared = shared;
  }

  public long period() {
    return period;
  }

  /** {@code c}. */
  public long declared() {
    return declared;
  }

  public int concurrency() {
    return concurrency;
  }

  /** Units reserved or settled this period. */
  public synchronized long asked() {
    return asked;
  }

  /** Requests of this task under way on the miner, those of earlier periods included. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The window planned for this miner and task, or null. */
  public synchronized TestWindow window() {
    return window;
  }

  /** Gives the miner its test window of the period. */
  public synchronized void plan(TestWindow testWindow) {
    this.window = testWindow;
  }

  /** Units asked in the test window so far (reserved or settled); 0 without a window. */
  public synchronized long windowAsked() {
    return window == null ? 0 : window.asked;
  }

  /** Requests asked in the test window so far. */
  public synchronized int windowRequests() {
    return window == null ? 0 : window.requests;
  }

  /** Whether the test window stopped after failures in a row. */
  public synchronized boolean windowStopped() {
    return window != null && window.stopped();
  }

  /** The validator wanted to ask more in the test window and this miner had no room for it. */
  public synchronized void windowBlocked() {
    if (window != null) {
      window.blocked();
    }
  }

  /**
   * Ends the test window: returns the whole units of {@code c_W} never asked because the miner
   * had no room for them, which count as rate-limited (0 when the window stopped after failures:
   * those were counted then).
   */
  public synchronized long closeWindow() {
    return window == null ? 0 : window.close(window.asked);
  }

  /**
   * As {@link #closeWindow()}, when gateways share the miner: {@code askedInAll} is what all of
   * them asked in the window ({@link CapacityLedger#windowLeased}).
   */
  public synchronized long closeWindow(long askedInAll) {
    return window == null ? 0 : window.close(Math.max(window.asked, askedInAll));
  }

  /**
   * A lease of this capacity under way from the shared ledger, or null: a request that found no
   * room may wait for it.
   */
  public java.util.concurrent.CompletionStage<Void> refilling() {
    return shared == null ? null : shared.refilling();
  }

  /** Gives volume leased and left unused a while back to the gateways' shared ledger. */
  public synchronized void giveBackIdle() {
    if (shared != null) {
      shared.giveBackIdle(asked - windowAsked());
    }
  }

  /** Keeps the miner from being asked again for this task until {@code untilMillis}. */
  synchronized void pauseUntil(long untilMillis) {
    pausedUntil = Math.max(pausedUntil, untilMillis);
  }

  /**
   * Backs off after a failure: {@code cooldown} times the run of failures (capped at 6x). Per
   * task: a miner whose prover fails is still asked for its chats.
   */
  synchronized void failed(long nowMillis, long cooldownMillis) {
    int run = Math.min(++consecutiveFailures, 6);
    pauseUntil(nowMillis + cooldownMillis * run);
  }

  /** Ends a run of failures. */
  synchronized void succeeded() {
    consecutiveFailures = 0;
  }

  /** Whether a request of {@code units} could be reserved at {@code now}. */
  synchronized boolean admits(long units, long now) {
    return room(units, now) != Room.NONE;
  }

  /**
   * Reserves {@code units} for a request assigned at {@code now}, or nothing.
   *
   * @return the reservation, or null when the request does not fit
   */
  synchronized Reservation tryReserve(long units, long now) {
    Room room = room(units, now);
    if (room == Room.NONE) {
      return null;
    }
    asked += units;
    inFlight.incrementAndGet();
    boolean inWindow = room == Room.WINDOW;
    if (inWindow) {
      window.asked += units;
      window.requests++;
    }
    return new Reservation(this, now, units, inWindow);
  }

  /**
   * Settles a reservation at {@code units} (the work done, or the estimate for a failure).
   *
   * @return units of the test window given up because this failure stopped it, else -1
   */
  synchronized long settle(Reservation r, long units, boolean failed) {
    asked += units - r.estimate();
    inFlight.decrementAndGet();
    if (r.inWindow() && window != null) {
      window.asked += units - r.estimate();
      return window.settled(failed);
    }
    return -1;
  }

  /** How much of the volume is neither asked nor owed to the window. */
  public synchronized long remaining(long now) {
    double owed = window == null ? 0 : window.owed(now);
    return (long) Math.floor(declared - asked - owed);
  }

  private enum Room { NONE, OUTSIDE, WINDOW }

  private Room room(long units, long now) {
    int atOnce = shared == null ? concurrency : shared.concurrency(concurrency);
    if (declared <= 0 || inFlight.get() >= atOnce || now < pausedUntil
        || asked + units > declared) {
      return Room.NONE;
    }
    if (window != null && window.contains(now)) {
      return window.admits() && (shared == null
          || shared.coversWindow(window.asked + units, window.capacity()))
          ? Room.WINDOW : Room.NONE;
    }
    double owed = window == null ? 0 : window.owed(now);
    return asked + units + owed <= declared && (shared == null
        || shared.coversVolume(asked - (window == null ? 0 : window.asked) + units, units, now))
        ? Room.OUTSIDE : Room.NONE;
  }

  /**
   * Units held for one request until it settles.
   *
   * @param assignedAt epoch millis the request was assigned to the miner
   * @param estimate {@code e}
   * @param inWindow whether it counts toward the test window
   */
  public record Reservation(TaskCapacity capacity, long assignedAt, long estimate,
      boolean inWindow) {}
}
