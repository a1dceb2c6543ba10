package io.assay.gateway.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what each name (a client address, an API key) holds at once, up to a cap: a slot is
 * taken when something opens and given back when it ends. Shared by every instance of the API
 * server. Thread-safe.
 */
final class CappedCounts {

  private final int max;
  private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();

  CappedCounts(int max) {
    this.max = max;
  }

  int max() {
    return max;
  }

  /**
   * Takes a slot for {@code name}.
   *
   * @return what gives the slot back (once, however often it runs); null when {@code name}
   *     holds {@code max} already
   */
  Runnable tryTake(String name) {
    AtomicInteger count = held.computeIfAbsent(name, k -> new AtomicInteger());
    if (count.incrementAndGet() > max) {
      giveBack(name, count);
      return null;
    }
    AtomicBoolean given = new AtomicBoolean();
    return () -> {
      if (given.compareAndSet(false, true)) {
        giveBack(name, count);
      }
    };
  }

  private void giveBack(String name, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) {
      held.remove(name, count);
    }
  }
}
