package io.assay.gateway.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the requests one API key has in flight on this gateway at once ({@code
 * gateway.max_requests_in_flight_per_key}), streams until they end: a key that opens requests
 * and holds them (slow bodies, slow readers, endless streams) cannot take every miner slot and
 * connection from other users, whatever its per-minute rate. Shared by every instance of the
 * API server. Thread-safe.
 */
final class KeyConcurrency {

  private final int max;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  KeyConcurrency(int max) {
    this.max = max;
  }

  int max() {
    return max;
  }

  /** Takes a slot for the key; false when it has {@code max} requests in flight already. */
  boolean tryAcquire(String keyHash) {
    AtomicInteger count = inFlight.computeIfAbsent(keyHash, k -> new AtomicInteger());
    if (count.incrementAndGet() > max) {
      release(keyHash, count);
      return false;
    }
    return true;
  }

  /** Gives back a slot taken by {@link #tryAcquire}. */
  void release(String keyHash) {
    AtomicInteger count = inFlight.get(keyHash);
    if (count != null) {
      release(keyHash, count);
    }
  }

  private void release(String keyHash, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) {
      inFlight.remove(keyHash, count);
    }
  }
}
