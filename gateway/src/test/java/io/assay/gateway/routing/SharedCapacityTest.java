package io.assay.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import java.nio.file.Files;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One gateway's leases of a miner's capacity from the shared ledger, on a real Redis. */
class SharedCapacityTest {

  private static PrivateRedis server;
  private static Redis redis;

  @BeforeAll
  static void start() throws Exception {
    server = PrivateRedis.start(Files.createTempDirectory("assay-shared-capacity"));
    redis = Redis.connect(server.url());
  }

  @AfterAll
  static void stop() {
    redis.close();
    server.close();
  }

  @Test
  void volumeUsedUpOutsideTheWindow_doesNotKeepTheWindowFromLeasingItsShare() throws Exception {
    CapacityLedger ledger = new CapacityLedger(redis, 60_000, declared -> declared);
    get(ledger.reserveWindow(1, "m|t", 100, 10_000));
    // The other gateways have leased everything outside the window.
    assertThat(get(ledger.leaseVolume(1, "m|t", 1_000, 1_000, 0))).isEqualTo(900);
    SharedCapacity shared = new SharedCapacity(ledger, 1, "m", "t", 1_000);

    assertThat(shared.coversVolume(16, 16, 1_000)).isFalse();
    leaseDone(shared); // none left: outside leases wait a while before asking again

    // The window opens a moment later: its share is there, and this gateway leases it.
    assertThat(shared.coversWindow(16, 100)).isFalse();
    leaseDone(shared);
    assertThat(shared.coversWindow(16, 100)).as("leased in the window").isTrue();
    assertThat(get(ledger.windowLeased(1, "m|t"))).isPositive();
  }

  private static void leaseDone(SharedCapacity shared) throws Exception {
    CompletionStage<Void> lease = shared.refilling();
    if (lease != null) {
      get(lease);
    }
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
