package io.assay.miner;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tracks one task's work against the capacity the miner serves in the current scoring period
 * (which is what it declares, unless it overclaims), and its requests in flight against its
 * concurrency limit. Both limits are enforced by compare-and-set, so concurrent requests never
 * overshoot. Thread-safe.
 *
 * <p>Periods are aligned to the epoch ({@code floor(now / length)}), the same arithmetic the
 * gateway uses, so both agree on when a period starts without talking.
 */
final class CapacityLedger {

  private final long capacity;
  private final int maxConcurrency;
  private final long periodMillis;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong consumed = new AtomicLong();
  private volatile long period;

  CapacityLedger(long capacity, int maxConcurrency, Duration periodLength, Clock clock) {
    this.capacity = capacity;
    this.maxConcurrency = maxConcurrency;
    this.periodMillis = periodLength.toMillis();
    this.clock = clock;
    this.period = currentPeriod();
  }

  long capacity() {
    return capacity;
  }

  int maxConcurrency() {
    return maxConcurrency;
  }

  /** Requests admitted and not yet released. */
  int inFlight() {
    return inFlight.get();
  }

  long currentPeriod() {
    return clock.millis() / periodMillis;
  }

  /** Milliseconds until the next period starts, when capacity is renewed. */
  long millisToNextPeriod() {
    long now = clock.millis();
    return periodMillis - (now % periodMillis);
  }

  long consumed() {
    rollPeriod();
    return consumed.get();
  }

  /**
   * Takes a slot and {@code units} of capacity, or nothing.
   *
   * @return null when admitted, else why not
   */
  Refusal tryAdmit(long units) {
    rollPeriod();
    while (true) {
      int running = inFlight.get();
      if (running >= maxConcurrency) {
        return Refusal.CONCURRENCY;
      }
      if (inFlight.compareAndSet(running, running + 1)) {
        break;
      }
    }
    while (true) {
      long used = consumed.get();
      if (used + units > capacity) {
        inFlight.decrementAndGet();
        return Refusal.CAPACITY;
      }
      if (consumed.compareAndSet(used, used + units)) {
        return null;
      }
    }
  }

  /** Ends an admitted request; {@code unusedUnits} are returned when it failed or did less. */
  void release(long unusedUnits) {
    inFlight.decrementAndGet();
    if (unusedUnits > 0) {
      consumed.addAndGet(-unusedUnits);
    }
  }

  private void rollPeriod() {
    long now = currentPeriod();
    if (now != period) {
      synchronized (this) {
        if (now != period) {
          period = now;
          consumed.set(0);
        }
      }
    }
  }

  enum Refusal {
    CONCURRENCY("at its concurrency limit"),
    CAPACITY("out of capacity for this period");

    final String words;

    Refusal(String words) {
      this.words = words;
    }
  }
}
