package io.assay.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger's scripts on a real Redis: volume is never leased past the declaration however many
 * gateways ask at once, the test window's {@code c_W} is held back from leases outside it until
 * it ends, and window leases stop once {@code c_W} is reached (the first always granted); and a
 * gateway's {@link SharedCapacity} leases the window's share however dry the rest is.
 */
class CapacityLedgerTest {

  private static PrivateRedis server;
  private static Redis redis;

  @BeforeAll
  static void start() throws Exception {
    server = PrivateRedis.start(Files.createTempDirectory("assay-ledger"));
    redis = Redis.connect(server.url());
  }

  @AfterAll
  static void stop() {
    redis.close();
    server.close();
  }

  private static CapacityLedger ledger() {
    return new CapacityLedger(redis, 60_000, declared -> declared);
  }

  @Test
  void concurrentLeases_fromThreeGateways_neverPassTheDeclaration() throws Exception {
    List<CompletableFuture<Long>> granted = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      granted.add(ledger().leaseVolume(1, "m|t", 1_000, 7, 0).toCompletableFuture());
    }
    long total = 0;
    for (CompletableFuture<Long> g : granted) {
      total += g.get(5, TimeUnit.SECONDS);
    }
    assertThat(total).isEqualTo(1_000);
    assertThat(ledger().leaseVolume(1, "m|t", 1_000, 7, 0).toCompletableFuture().get())
        .isZero();

    ledger().giveBack(1, "m|t", 50, false).toCompletableFuture().get();
    assertThat(ledger().leaseVolume(1, "m|t", 1_000, 80, 0).toCompletableFuture().get())
        .as("what was given back, and no more").isEqualTo(50);
  }

  @Test
  void theWindowsShare_isHeldBackUntilItEnds_andLeasedInTheWindowUpToCw() throws Exception {
    CapacityLedger ledger = ledger();
    ledger.reserveWindow(2, "m|t", 100, 5_000).toCompletableFuture().get();
    assertThat(ledger.leaseVolume(2, "m|t", 1_000, 2_000, 1_000).toCompletableFuture().get())
        .as("outside the window, before it ends: all but c_W").isEqualTo(900);

    // In the window: leases while less than c_W was leased; the first always.
    assertThat(ledger.leaseWindow(2, "m|t", 1_000, 60).toCompletableFuture().get()).isEqualTo(60);
    assertThat(ledger.leaseWindow(2, "m|t", 1_000, 60).toCompletableFuture().get())
        .as("the last passes c_W by less than one lease").isEqualTo(40);
    assertThat(ledger.leaseWindow(2, "m|t", 1_000, 60).toCompletableFuture().get())
        .as("c_W reached").isZero();
    assertThat(ledger.windowLeased(2, "m|t").toCompletableFuture().get()).isEqualTo(100);

    ledger.giveBack(2, "m|t", 900, false).toCompletableFuture().get();
    assertThat(ledger.leaseVolume(2, "m|t", 1_000, 2_000, 6_000).toCompletableFuture().get())
        .as("after the window ends, the rest of the declaration").isEqualTo(900);
  }

  @Test
  void aWindowsHold_isNeverRaised_byALateBinding() throws Exception {
    CapacityLedger ledger = ledger();
    // The leader binds (c * f = 120), then assigns the budget's c_W of 60.
    assertThat(ledger.reserveWindow(5, "m|t", 120, 5_000).toCompletableFuture().get()).isTrue();
    assertThat(ledger.reserveWindow(5, "m|t", 60, 5_000).toCompletableFuture().get()).isTrue();
    // A follower binds the declaration late: its uncapped c * f does not replace c_W.
    assertThat(ledger.reserveWindow(5, "m|t", 120, 5_000).toCompletableFuture().get())
        .isFalse();
    assertThat(ledger.leaseWindow(5, "m|t", 1_000, 50).toCompletableFuture().get()).isEqualTo(50);
    assertThat(ledger.leaseWindow(5, "m|t", 1_000, 50).toCompletableFuture().get())
        .as("past c_W by less than one lease").isEqualTo(50);
    assertThat(ledger.leaseWindow(5, "m|t", 1_000, 50).toCompletableFuture().get())
        .as("c_W reached").isZero();
    // Another window (another end) is held anew; the end of the window releases it.
    assertThat(ledger.reserveWindow(5, "m|t", 80, 9_000).toCompletableFuture().get()).isTrue();
    assertThat(ledger.reserveWindow(5, "m|t", 0, 9_000).toCompletableFuture().get()).isTrue();
  }

  @Test
  void aWindowWithoutItsReserve_leasesNothing_andAFirstWindowLeaseIsAlwaysGranted()
      throws Exception {
    CapacityLedger ledger = ledger();
    assertThat(ledger.leaseWindow(3, "m|t", 1_000, 10).toCompletableFuture().get())
        .as("no window assigned").isZero();
    ledger.reserveWindow(3, "m|t", 1, 5_000).toCompletableFuture().get();
    assertThat(ledger.leaseWindow(3, "m|t", 1_000, 128).toCompletableFuture().get())
        .as("one request, larger than c_W").isEqualTo(128);
    assertThat(ledger.leaseWindow(3, "m|t", 1_000, 128).toCompletableFuture().get()).isZero();
  }

  @Test
  void volumeUsedUpOutsideTheWindow_doesNotKeepAGatewayFromLeasingTheWindowsShare()
      throws Exception {
    CapacityLedger ledger = ledger();
    ledger.reserveWindow(4, "m|t", 100, 10_000).toCompletableFuture().get();
    // The other gateways have leased everything outside the window.
    assertThat(ledger.leaseVolume(4, "m|t", 1_000, 1_000, 0).toCompletableFuture().get())
        .isEqualTo(900);
    SharedCapacity shared = new SharedCapacity(ledger, 4, "m", "t", 1_000);

    assertThat(shared.coversVolume(16, 16, 1_000)).isFalse();
    leaseDone(shared); // none left: outside leases wait a while before asking again

    // The window opens a moment later: its share is there, and this gateway leases it (the
    // first call asks the ledger; its answer may come before the call returns, or after).
    shared.coversWindow(16, 100);
    leaseDone(shared);
    assertThat(shared.coversWindow(16, 100)).as("leased in the window").isTrue();
    assertThat(ledger.windowLeased(4, "m|t").toCompletableFuture().get()).isPositive();
  }

  private static void leaseDone(SharedCapacity shared) throws Exception {
    java.util.concurrent.CompletionStage<Void> lease = shared.refilling();
    if (lease != null) {
      lease.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
