package io.assay.miner.sim;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named physical machine of a simulation, with {@code slots} service slots per task, shared by
 * every identity that runs on it: a request holds a slot of its task from its start to its
 * completion ({@link ServiceTimeBackend}), and a request that finds none free is shed.
 *
 * <p>Each task has slots of its own, as each task's declared capacity is sized on the whole
 * machine ({@link ServiceModel}): an honest miner's tasks never take each other's slots, while
 * the identities of one machine ({@link Behaviour#TIMESHARE}) compete for the same ones.
 *
 * <p>Thread-safe and non-blocking: slots are taken and returned by compare-and-set.
 */
public final class Machine {

  private final String name;
  private final int slots;
  private final Map<String, AtomicInteger> busy = new ConcurrentHashMap<>();

  /**
   * @param name the machine's name, for messages
   * @param slots requests of one task it serves at once, at least 1
   */
  public Machine(String name, int slots) {
    this.name = Objects.requireNonNull(name, "name");
    if (slots < 1) {
      throw new IllegalArgumentException("machine " + name + " needs at least 1 slot, was "
          + slots);
    }
    this.slots = slots;
  }

  public String name() {
    return name;
  }

  /** Requests of one task it serves at once. */
  public int slots() {
    return slots;
  }

  /** Takes a slot of {@code task} if one is free; true when taken (release it later). */
  public boolean tryAcquire(String task) {
    AtomicInteger used = counter(task);
    while (true) {
      int now = used.get();
      if (now >= slots) {
        return false;
      }
      if (used.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /**
   * Returns a slot of {@code task} taken by {@link #tryAcquire}.
   *
   * @throws IllegalStateException when none is taken (a slot released twice)
   */
  public void release(String task) {
    AtomicInteger used = counter(task);
    while (true) {
      int now = used.get();
      if (now <= 0) {
        throw new IllegalStateException("machine " + name + ": a slot of " + task
            + " released that was not taken");
      }
      if (used.compareAndSet(now, now - 1)) {
        return;
      }
    }
  }

  /** Slots of {@code task} taken now. */
  public int inUse(String task) {
    AtomicInteger used = busy.get(task);
    return used == null ? 0 : used.get();
  }

  private AtomicInteger counter(String task) {
    return busy.computeIfAbsent(Objects.requireNonNull(task, "task"), t -> new AtomicInteger());
  }

  @Override
  public String toString() {
    return "machine " + name + " (" + slots + " slots per task)";
  }
}
