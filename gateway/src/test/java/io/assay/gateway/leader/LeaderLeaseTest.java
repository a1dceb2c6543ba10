package io.assay.gateway.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.assay.gateway.weights.WeightsFence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 3: one gateway at a time leads, a dead leader is replaced within the lease and
 * a third, each new leader has a larger fencing token, and a replaced leader's weights are
 * refused.
 */
class LeaderLeaseTest {

  private static final Duration TTL = Duration.ofMillis(900);

  private PrivateRedis server;
  private Redis redis;
  private Vertx vertx;

  @BeforeEach
  void start() throws Exception {
    server = PrivateRedis.start(Files.createTempDirectory("assay-lease"));
    redis = Redis.connect(server.url());
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    redis.close();
    server.close();
  }

  @Test
  void oneLeads_theOtherTakesOverWhenItStopsCleanly_withALargerToken() throws Exception {
    LeaderLease a = started(vertx, "a", null);
    LeaderLease b = started(vertx, "b", null);
    assertThat(a.isLeader()).isTrue();
    assertThat(b.isLeader()).isFalse();
    long first = a.token();

    a.close();
    await().atMost(TTL).until(b::isLeader);
    assertThat(b.token()).isGreaterThan(first);
    assertThat(a.isLeader()).isFalse();
    b.close();
  }

  @Test
  void aLeaderThatDies_isReplacedWithinTheLeaseAndAThird() throws Exception {
    Vertx doomed = Vertx.vertx();
    LeaderLease a = started(doomed, "a", null);
    LeaderLease b = started(vertx, "b", null);
    assertThat(a.isLeader()).isTrue();

    long died = System.nanoTime();
    doomed.close().await(10, TimeUnit.SECONDS); // no more renewals, and no release
    await().atMost(TTL.plus(TTL.dividedBy(3)).plusMillis(200)).until(b::isLeader);
    long took = (System.nanoTime() - died) / 1_000_000;
    System.out.printf("leader replaced %d ms after it stopped renewing (lease %d ms)%n", took,
        TTL.toMillis());
    assertThat(value(() -> b.current())).startsWith(b.token() + " b");
    // The dead one knows it no longer leads once half its lease has gone by unrenewed.
    assertThat(a.isLeader()).isFalse();
    b.close();
  }

  @Test
  void aRestartOnTheSameDataDirectory_takesItsPredecessorsLeaseAtOnce() throws Exception {
    Vertx doomed = Vertx.vertx();
    LeaderLease before = started(doomed, "gw-1", null);
    long token = before.token();
    doomed.close().await(10, TimeUnit.SECONDS);
    LeaderLease other = started(vertx, "gw-2", null);
    LeaderLease restarted = started(vertx, "gw-1b", "gw-1");
    assertThat(restarted.isLeader()).isTrue();
    assertThat(restarted.token()).isGreaterThan(token);
    assertThat(other.isLeader()).isFalse();
    restarted.close();
    other.close();
  }

  @Test
  void weights_areRecordedOnce_andNotByALeaderThatWasReplaced() throws Exception {
    LeaderLease a = started(vertx, "a", null);
    WeightsFence fenceA = new WeightsFence(redis, a::token);
    assertThat(succeeded(() -> fenceA.admit(1_000))).isTrue();
    assertThat(succeeded(() -> fenceA.admit(1_000))).as("the same computation again").isFalse();
    assertThat(succeeded(() -> fenceA.admit(2_000))).isTrue();

    // a stalls; its lease passes to b, which records; a wakes up still believing it leads.
    long staleToken = a.token();
    LeaderLease b = new LeaderLease(redis, vertx, "b", null, TTL);
    redis.commands().del(Keys.leaderLease()).get(5, TimeUnit.SECONDS);
    value(() -> b.start());
    assertThat(b.token()).isGreaterThan(staleToken);
    WeightsFence fenceB = new WeightsFence(redis, b::token);
    assertThat(succeeded(() -> fenceB.admit(3_000))).isTrue();
    WeightsFence stale = new WeightsFence(redis, () -> staleToken);
    assertThat(succeeded(() -> stale.admit(4_000))).as("a replaced leader").isFalse();

    WeightsFence follower = new WeightsFence(redis, () -> 0);
    assertThat(succeeded(() -> follower.admit(5_000))).as("a gateway that does not lead")
        .isFalse();
    a.close();
    b.close();
  }

  private LeaderLease started(Vertx on, String holder, String predecessor) throws Exception {
    LeaderLease lease = new LeaderLease(redis, on, holder, predecessor, TTL);
    CompletableFuture<Void> first = new CompletableFuture<>();
    on.runOnContext(v -> lease.start().onComplete(ar -> first.complete(null)));
    first.get(10, TimeUnit.SECONDS);
    return lease;
  }

  private <T> T value(Supplier<Future<T>> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(v -> action.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result.get(10, TimeUnit.SECONDS);
  }

  private boolean succeeded(Supplier<Future<Void>> action) throws Exception {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    vertx.runOnContext(v -> action.get().onComplete(ar -> result.complete(ar.succeeded())));
    return result.get(10, TimeUnit.SECONDS);
  }
}
