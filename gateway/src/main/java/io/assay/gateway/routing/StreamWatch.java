package io.assay.gateway.routing;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts streams that stall (SCORING.md section 3). A stream has {@code stream.ttft_max} for its
 * first work; after that it must keep up {@code stream.min_rate} work units per second on
 * average, and it must end by {@code ttft_max + e / min_rate}. Keep-alive comments and other
 * bytes that carry no work do not count, so a miner that sends one chunk and then keep-alives is
 * cut as soon as it falls behind, and counted as failed.
 *
 * <p>Time the gateway held the miner back because the user read slowly ({@link Entry#hold})
 * is not the miner's: it is left out of the miner's allowance. A user who holds a stream past
 * its total deadline in wall time is cut instead ({@link Entry#onReaderCut}), so no stream,
 * however slowly read, stays open without end.
 *
 * <p>One periodic timer checks every open stream, rather than a timer per stream; a cut runs on
 * the stream's own context. Thread-safe.
 */
public final class StreamWatch {

  private static final long SWEEP_MILLIS = 200;

  private final Clock clock;
  private final long allowanceMillis;
  private final Set<Entry> open = ConcurrentHashMap.newKeySet();

  public StreamWatch(Vertx vertx, Clock clock, Duration ttftMax) {
    this.clock = clock;
    this.allowanceMillis = ttftMax.toMillis();
    vertx.setPeriodic(SWEEP_MILLIS, id -> sweep());
  }

  /**
   * Watches a stream assigned at {@code assignedAt}; {@code onCut} runs on {@code context} if it
   * falls behind. Close the entry when the stream ends.
   *
   * @param minRate work units per second it must keep up; 0 for no limit
   */
  Entry watch(Context context, long assignedAt, long estimate, double minRate, Runnable onCut) {
    Entry entry = new Entry(context, assignedAt, estimate, minRate, onCut);
    open.add(entry);
    return entry;
  }

  /** Streams being watched. */
  int open() {
    return open.size();
  }

  private void sweep() {
    long now = clock.millis();
    for (Entry e : open) {
      if (e.behind(now)) {
        open.remove(e);
        e.context.runOnContext(v -> e.cut(e.onCut));
      } else if (e.readerTooSlow(now)) {
        open.remove(e);
        e.context.runOnContext(v -> e.cut(e.onReaderCut));
      }
    }
  }

  /** One watched stream. */
  final class Entry {
    private final Context context;
    private final long assignedAt;
    private final long deadline;
    private final double minRate;
    private volatile Runnable onCut;
    private volatile Runnable onReaderCut = () -> { };
    private volatile long units;
    private volatile boolean closed;
    /** When the current hold began, or -1; and the held time before it. */
    private volatile long heldSince = -1;
    private volatile long heldBefore;

    private Entry(Context context, long assignedAt, long estimate, double minRate,
        Runnable onCut) {
      this.context = context;
      this.assignedAt = assignedAt;
      this.minRate = minRate;
      this.onCut = onCut;
      this.deadline = minRate > 0
          ? assignedAt + allowanceMillis + (long) Math.ceil(estimate / minRate * 1000)
          : Long.MAX_VALUE;
    }

    /** The stream's work so far; -1 when its kind cannot count it before the end. */
    void progress(long unitsSoFar) {
      this.units = unitsSoFar;
    }

    /** What to do when the stream is cut, from now on. */
    void onCut(Runnable action) {
      this.onCut = action;
    }

    /** What to do when the user held the stream past its deadline. */
    void onReaderCut(Runnable action) {
      this.onReaderCut = action;
    }

    /** The gateway stops reading the miner because the user is behind; on the stream's context. */
    void hold(long now) {
      if (heldSince < 0) {
        heldSince = now;
      }
    }

    /** The user caught up and the miner is read again; on the stream's context. */
    void release(long now) {
      long since = heldSince;
      if (since >= 0) {
        heldBefore += now - since;
        heldSince = -1;
      }
    }

    void close() {
      closed = true;
      open.remove(this);
    }

    /** Whether the miner fell behind, on its own time (held time left out). */
    boolean behind(long now) {
      if (closed) {
        return false;
      }
      long since = heldSince;
      long minerNow = now - heldBefore - (since >= 0 ? now - since : 0);
      if (minerNow > deadline) {
        return true;
      }
      long elapsed = minerNow - assignedAt - allowanceMillis;
      return elapsed > 0 && units >= 0 && minRate > 0 && units < elapsed / 1000.0 * minRate;
    }

    /** Whether the user is holding the stream back past its total deadline in wall time. */
    boolean readerTooSlow(long now) {
      return !closed && heldSince >= 0 && now > deadline;
    }

    private void cut(Runnable action) {
      if (!closed) {
        closed = true;
        action.run();
      }
    }
  }
}
