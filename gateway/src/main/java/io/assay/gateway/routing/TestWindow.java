package io.assay.gateway.routing;

/**
 * One miner's test window on one task in one period (SCORING.md section 2): the task's shared
 * window and the work {@code c_W} this miner is asked in it. Organic work routed to the miner in
 * the window counts first; synthetic requests fill the rest. Requests are whole: one may start
 * while the window has been asked less than {@code c_W}, so the first always starts and the last
 * goes past {@code c_W} by less than one request; none starts once {@code c_W} is reached. After
 * {@code maxConsecutiveFailures} failures in a row the window stops, and the rest of {@code c_W}
 * counts as failed.
 *
 * <p>Guarded by the lock of the {@link TaskCapacity} it belongs to.
 */
public final class TestWindow {

  private final long start;
  private final long end;
  private final double capacity;
  private final int maxConsecutiveFailures;
  private final long tolerance;
  long asked;
  int requests;
  private int consecutiveFailures;
  private boolean stopped;
  private boolean closed;
  private boolean blocked;

  /**
   * @param start epoch millis, inclusive
   * @param end epoch millis, exclusive
   * @param capacity {@code c_W}, in work units
   */
  public TestWindow(long start, long end, double capacity, int maxConsecutiveFailures) {
    this(start, end, capacity, maxConsecutiveFailures, 0);
  }

  /**
   * @param tolerance one typical request, in work units: what a miner may leave unasked of
   *     {@code c_W} at the end without it counting, however busy it was found (requests are
   *     whole, and a miner at its declared rate can be one behind when the window closes); and
   *     what the window holds back before its first request, when {@code c_W} is less
   */
  public TestWindow(long start, long end, double capacity, int maxConsecutiveFailures,
      long tolerance) {
    this.start = start;
    this.end = end;
    this.capacity = capacity;
    this.maxConsecutiveFailures = maxConsecutiveFailures;
    this.tolerance = tolerance;
  }

  public long start() {
    return start;
  }

  public long end() {
    return end;
  }

  /** {@code c_W}. */
  public double capacity() {
    return capacity;
  }

  boolean contains(long millis) {
    return millis >= start && millis < end;
  }

  /** Whether a request may start in the window now, whatever its size. */
  boolean admits() {
    return !stopped && (requests == 0 || asked < capacity);
  }

  /** Work still owed by the window before it ends: what routing outside it must leave. */
  double owed(long now) {
    if (now >= end || stopped) {
      return 0;
    }
    return requests == 0 ? hold() : Math.max(capacity - asked, 0);
  }

  /**
   * What the window holds back of the miner's volume before its first request: {@code c_W}, and
   * at least one typical request, since a window asks at least one (SCORING.md section 2). A
   * miner whose {@code c * f} is a fraction of a request (a prover declaring a proof or two a
   * period) would otherwise have its whole period used up by organic work before its window
   * opens, and never be tested.
   */
  public double hold() {
    return Math.max(capacity, tolerance);
  }

  /**
   * Counts a settled window request; returns the units left unasked when this failure stops
   * the window, else -1.
   */
  long settled(boolean failed) {
    if (stopped || closed) {
      return -1;
    }
    if (!failed) {
      consecutiveFailures = 0;
      return -1;
    }
    if (++consecutiveFailures < maxConsecutiveFailures) {
      return -1;
    }
    long rest = unasked();
    stopped = true;
    return rest;
  }

  /** Whole units of {@code c_W} not asked yet (0 once stopped: the stop counted them). */
  long unasked() {
    return stopped ? 0 : (long) Math.ceil(Math.max(capacity - asked, 0));
  }

  boolean stopped() {
    return stopped;
  }

  /** The validator wanted to ask more in the window and the miner had no room for it. */
  void blocked() {
    blocked = true;
  }

  /**
   * Ends the window, in which {@code askedInAll} units were asked (by every gateway sharing the
   * miner); returns the whole units never asked, beyond the tolerance, when the miner
   * was found without room for them (0 if it had stopped, or if what was not asked is the
   * validator's own doing: it never found the miner without room).
   */
  long close(long askedInAll) {
    long unasked = stopped ? 0 : (long) Math.ceil(Math.max(capacity - askedInAll, 0));
    long rest = blocked ? Math.max(0, unasked - tolerance) : 0;
    closed = true;
    return rest;
  }
}
