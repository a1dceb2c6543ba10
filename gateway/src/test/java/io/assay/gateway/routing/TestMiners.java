package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerClient;
import io.assay.protocol.Identity;
import java.time.Clock;
import java.time.Duration;

/**
 * Miners for routing and planning tests that never reach the network: a node with a fresh
 * identity, and the dispatcher's reservation steps, so a test can play the dispatcher's part.
 */
public final class TestMiners {

  private TestMiners() {}

  /** A miner named {@code name} with a fresh hotkey and no address. */
  public static MinerNode node(String name) {
    return new MinerNode(new MinerClient(name, "http://127.0.0.1:1", Identity.generate().hotkey(),
        null, null, Duration.ofSeconds(1), Clock.systemUTC()));
  }

  /** Reserves {@code units} on {@code cap} at {@code now} as the dispatcher does; null if full. */
  public static TaskCapacity.Reservation reserve(TaskCapacity cap, long units, long now) {
    return cap.tryReserve(units, now);
  }

  /** Settles a reservation as the dispatcher does; returns units of a window given up, or -1. */
  public static long settle(TaskCapacity.Reservation r, long units, boolean failed) {
    return r.capacity().settle(r, units, failed);
  }
}
