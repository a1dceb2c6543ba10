package io.assay.gateway.state;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs failures of one kind at most once per interval, with how many there were since the last
 * line: while Redis is away every request fails the same way, and a line (or a stack trace) per
 * request would bury everything else. Thread-safe.
 */
public final class OutageLog {

  private final long intervalNanos;
  private final AtomicLong nextLine = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public OutageLog(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Notes one failure of {@code what}; logs it (a warning, no stack trace) when a line is due. */
  public void failed(Logger log, String what, Throwable cause) {
    long now = System.nanoTime();
    long due = nextLine.get();
    if ((due != Long.MIN_VALUE && now - due < 0) || !nextLine.compareAndSet(due, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long more = suppressed.getAndSet(0);
    log.warn("{} failed: {}{}", what, cause.getMessage(),
        more == 0 ? "" : " (and " + more + " more since the last report)");
  }
}
