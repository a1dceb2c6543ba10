package io.assay.gateway.period;

import io.vertx.core.Context;
import java.time.Clock;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs actions at given times from one time-ordered queue drained by one periodic timer, instead
 * of one timer per action: a period's plan (capacity polls, test windows, every synthetic
 * request) stays a handful of entries however many miners and requests it holds, and costs the
 * event loop only what is due.
 *
 * <p>Everything runs on one Vert.x context, the one given: {@link #at} may be called from any
 * thread (it hops onto the context), and actions run on it, in time order (equal times in the
 * order they were added). An action that throws is logged; the others still run.
 */
public final class Timeline {

  private static final Logger log = LoggerFactory.getLogger(Timeline.class);

  private final Context context;
  private final Clock clock;
  private final PriorityQueue<Due> queue = new PriorityQueue<>();
  private long sequence;
  private boolean closed;

  /**
   * @param tickMillis how often due actions are run: the timeline's resolution
   */
  public Timeline(Context context, Clock clock, long tickMillis) {
    this.context = context;
    this.clock = clock;
    context.runOnContext(v -> context.owner().setPeriodic(tickMillis, id -> {
      if (closed) {
        context.owner().cancelTimer(id);
      } else {
        drain();
      }
    }));
  }

  /** Runs {@code action} at {@code epochMillis} (or at the next tick, if that has passed). */
  public void at(long epochMillis, Runnable action) {
    if (context == io.vertx.core.Vertx.currentContext()) {
      queue.add(new Due(epochMillis, sequence++, action));
    } else {
      context.runOnContext(v -> queue.add(new Due(epochMillis, sequence++, action)));
    }
  }

  /** Actions waiting. Call on the timeline's context. */
  public int size() {
    return queue.size();
  }

  public long now() {
    return clock.millis();
  }

  /** Stops running actions; those still queued are dropped. */
  public void close() {
    closed = true;
  }

  private void drain() {
    long now = clock.millis();
    while (!queue.isEmpty() && queue.peek().at <= now) {
      Due due = queue.poll();
      try {
        due.action.run();
      } catch (RuntimeException e) {
        log.error("a timed action failed", e);
      }
    }
  }

  private record Due(long at, long sequence, Runnable action) implements Comparable<Due> {
    @Override
    public int compareTo(Due other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
