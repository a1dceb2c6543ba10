package io.assay.protocol;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Remembers the nonces seen within a timestamp window, so a replayed message is refused.
 *
 * <p>How it works: a message with timestamp {@code ts} is accepted only while
 * {@code |now - ts| <= window}, so its nonce must be remembered until {@code ts + window}
 * (its expiry) and can be forgotten after. Nonces are kept in generations by expiry, each
 * generation spanning one window: generation {@code k} holds expiries in
 * {@code [k * window, (k + 1) * window)} and is dropped whole once {@code now} passes its
 * end. Since an acceptable expiry lies in {@code [now, now + 2 * window]}, at most three
 * generations are live, held in a ring of four slots; forgetting costs nothing per nonce
 * and no sweep ever runs.
 *
 * <p>Bounded: when the live generations hold {@code capacity} nonces, new nonces are
 * refused ({@link Outcome#FULL}, fail closed) instead of growing memory. Concurrent
 * callers may overshoot the bound by at most their number.
 *
 * <p>Thread-safe and lock-free: a record is a few concurrent-map look-ups and one insert.
 */
final class NonceMemory {

  enum Outcome { RECORDED, REPLAYED, FULL }

  private static final int SLOTS = 4;

  private final long windowMillis;
  private final int capacity;
  private final AtomicReferenceArray<Generation> slots = new AtomicReferenceArray<>(SLOTS);

  NonceMemory(Duration window, int capacity) {
    this.windowMillis = Math.max(1, window.toMillis());
    if (capacity < 1) {
      throw new IllegalArgumentException("nonce capacity must be >= 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Whether {@code |now - timestamp| <= window}, without overflow for any timestamp. */
  static boolean withinWindow(long timestampMillis, long nowMillis, long windowMillis) {
    return timestampMillis >= nowMillis - windowMillis
        && timestampMillis <= nowMillis + windowMillis;
  }

  /**
   * Records {@code nonce} of a message with timestamp {@code timestampMillis}, which the caller
   * has already found within the window of {@code nowMillis}.
   */
  Outcome record(String nonce, long timestampMillis, long nowMillis) {
    long current = Math.floorDiv(nowMillis, windowMillis);
    long index = Math.floorDiv(timestampMillis + windowMillis, windowMillis);
    if (index < current || index > current + 2) {
      throw new IllegalArgumentException("timestamp " + timestampMillis
          + " is outside the window around " + nowMillis);
    }
    int live = 0;
    for (int slot = 0; slot < SLOTS; slot++) {
      Generation generation = slots.get(slot);
      if (generation == null) {
        continue;
      }
      if (generation.index < current) {
        slots.compareAndSet(slot, generation, null);
      } else if (generation.nonces.contains(nonce)) {
        return Outcome.REPLAYED;
      } else {
        live += generation.size.get();
      }
    }
    if (live >= capacity) {
      return Outcome.FULL;
    }
    Generation generation = generation(index);
    if (!generation.nonces.add(nonce)) {
      return Outcome.REPLAYED;
    }
    generation.size.incrementAndGet();
    return Outcome.RECORDED;
  }

  /** Nonces currently remembered (including any not yet dropped after expiring). */
  int size() {
    int size = 0;
    for (int slot = 0; slot < SLOTS; slot++) {
      Generation generation = slots.get(slot);
      size += generation == null ? 0 : generation.size.get();
    }
    return size;
  }

  int capacity() {
    return capacity;
  }

  Duration window() {
    return Duration.ofMillis(windowMillis);
  }

  private Generation generation(long index) {
    int slot = (int) Math.floorMod(index, (long) SLOTS);
    while (true) {
      Generation existing = slots.get(slot);
      if (existing != null && existing.index >= index) {
        // A newer generation in this slot means this one is long over; it cannot happen for a
        // live index, and remembering in the newer one is harmless.
        return existing;
      }
      Generation fresh = new Generation(index);
      if (slots.compareAndSet(slot, existing, fresh)) {
        return fresh;
      }
    }
  }

  private static final class Generation {
    final long index;
    final Set<String> nonces = ConcurrentHashMap.newKeySet();
    final AtomicInteger size = new AtomicInteger();

    Generation(long index) {
      this.index = index;
    }
  }
}
