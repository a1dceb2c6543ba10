package io.assay.gateway.routing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * This gateway's leases of one miner's declared capacity for one task in one period, from the
 * {@link CapacityLedger} all gateways share: the volume it may ask outside the test window and
 * the volume it may ask in it. Routing checks a request against what is leased here, in memory;
 * when less than half a block would be left, one more block is leased in the background, so a
 * request waits on Redis only when a burst outruns the blocks (then {@link Dispatcher} waits for
 * the lease under way rather than failing).
 *
 * <p>A block is 1/64 of the declaration outside the window, or four requests' worth when that is
 * more (up to 1/8 of the declaration), so little of a miner's volume sits leased and unused at
 * any gateway; in the window, 1/16 of {@code c_W}. Volume left unused
 * for {@link #IDLE_MILLIS} is given back ({@link #giveBackIdle}) for other gateways to lease;
 * window leases are not (what was leased in the window counts as asked when it is scored).
 *
 * <p>Thread-safe: replies from Redis update the leases under this object's lock; {@link
 * TaskCapacity} calls in under its own (never the other way round).
 */
final class SharedCapacity {

  /** Volume unused this long goes back to the ledger. */
  static final long IDLE_MILLIS = 5_000;
  /**
   * After the ledger said nothing is left, the next try of the same kind (outside the window, or
   * in it) waits this long. Kept apart: volume used up outside the window says nothing of the
   * window's share, which the ledger holds back for it.
   */
  private static final long DRY_MILLIS = 1_000;

  private final CapacityLedger ledger;
  private final long period;
  private final String field;
  private final long declared;
  private final long block;
  private long volume;
  private long window;
  private CompletableFuture<Void> refill;
  /**
   * Times on {@link System#nanoTime}: how long Redis had nothing to lease (outside the window and
   * in it, apart), or nobody asked, is real time, whatever clock the gateway scores by.
   */
  private long volumeDryUntil = System.nanoTime();
  private long windowDryUntil = System.nanoTime();
  private long lastUsed = System.nanoTime();

  SharedCapacity(CapacityLedger ledger, long period, String hotkey, String task,
      long declared) {
    this.ledger = ledger;
    this.period = period;
    this.field = hotkey + "|" + task;
    this.declared = declared;
    this.block = Math.max(1, declared / 64);
  }

  /** This gateway's share of the miner's declared concurrency. */
  int concurrency(int declared) {
    return ledger.concurrencyShare(declared);
  }

  /**
   * Whether {@code needed} units asked outside the window (this gateway's, the request's
   * {@code units} included) are leased; leases more when they are not, or soon will not be.
   * {@code now} is the gateway's clock (epoch ms), which the test window's end is on.
   */
  synchronized boolean coversVolume(long needed, long units, long now) {
    // Four requests' worth when that is more than a block, so that a burst does not wait on a
    // lease per request, but never more than an eighth of the declaration: the other gateways
    // need their part.
    long size = Math.max(block, Math.min(4 * units, declared / 8));
    if (needed + size / 2 > volume) {
      lease(false, needed + size - volume, now);
    }
    if (needed > volume) {
      return false;
    }
    lastUsed = System.nanoTime();
    return true;
  }

  /**
   * Whether {@code needed} units asked in the window (this gateway's, the request's included)
   * are leased; as above, for the window's leases.
   */
  synchronized boolean coversWindow(long needed, double windowCapacity) {
    long windowBlock = Math.max(1, (long) Math.ceil(windowCapacity / 16));
    if (needed + windowBlock / 2 > window) {
      lease(true, needed + windowBlock - window, 0);
    }
    return needed <= window;
  }

  /** The lease under way, or null. */
  synchronized CompletionStage<Void> refilling() {
    return refill;
  }

  /**
   * Gives back the volume leased outside the window and not used, when none was asked for
   * {@link #IDLE_MILLIS}.
   *
   * @param used what this gateway has asked outside the window
   */
  synchronized void giveBackIdle(long used) {
    long unused = volume - Math.max(0, used);
    if (unused <= 0 || refill != null || System.nanoTime() - lastUsed < IDLE_MILLIS * 1_000_000) {
      return;
    }
    volume -= unused;
    volumeDryUntil = System.nanoTime();
    ledger.giveBack(period, field, unused, false);
  }

  /** @param now epoch ms on the gateway's clock, which the window's end is on */
  private void lease(boolean inWindow, long want, long now) {
    if (refill != null || System.nanoTime() < (inWindow ? windowDryUntil : volumeDryUntil)) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    refill = done;
    CompletionStage<Long> granted = inWindow
        ? ledger.leaseWindow(period, field, declared, want)
        : ledger.leaseVolume(period, field, declared, want, now);
    granted.whenComplete((units, e) -> {
      synchronized (this) {
        if (e == null && units > 0) {
          if (inWindow) {
            window += units;
          } else {
            volume += units;
          }
        } else if (inWindow) {
          windowDryUntil = System.nanoTime() + DRY_MILLIS * 1_000_000;
        } else {
          volumeDryUntil = System.nanoTime() + DRY_MILLIS * 1_000_000;
        }
        refill = null;
      }
      done.complete(null);
    });
  }
}
