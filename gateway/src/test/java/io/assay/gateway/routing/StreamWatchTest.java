package io.assay.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.period.ManualClock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SCORING.md section 3: a stream has {@code stream.ttft_max} for its first work, then must keep
 * up {@code stream.min_rate}; keep-alives carry no work, so they do not keep a stream alive.
 */
class StreamWatchTest {

  private Vertx vertx;
  private Context context;
  private ManualClock clock;
  private StreamWatch watch;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    clock = new ManualClock(0);
    watch = new StreamWatch(vertx, clock, Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aStreamWithNoWork_isCutOnceItsFirstWorkAllowanceIsOver() {
    AtomicInteger cut = new AtomicInteger();
    watch.watch(context, 0, 100, 10, cut::incrementAndGet);
    clock.set(29_000);
    assertStillOpen(cut);
    clock.set(30_200);
    await().atMost(Duration.ofSeconds(5)).until(() -> cut.get() == 1);
    assertThat(watch.open()).isZero();
  }

  @Test
  void aStreamThatKeepsUp_isNotCut_andOneThatFallsBehindIs() {
    AtomicInteger steady = new AtomicInteger();
    AtomicInteger stalled = new AtomicInteger();
    StreamWatch.Entry a = watch.watch(context, 0, 1000, 10, steady::incrementAndGet);
    StreamWatch.Entry b = watch.watch(context, 0, 1000, 10, stalled::incrementAndGet);
    // 40 s in, 10 s past the allowance: 100 units are due
    a.progress(150);
    b.progress(1); // one chunk, then keep-alives only
    clock.set(40_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> stalled.get() == 1);
    assertThat(steady.get()).isZero();
    a.close();
  }

  @Test
  void everyStream_endsByItsTotalDeadline() {
    AtomicInteger cut = new AtomicInteger();
    StreamWatch.Entry e = watch.watch(context, 0, 100, 10, cut::incrementAndGet);
    e.progress(99); // ahead of the rate all along, but never finishing
    clock.set(30_000 + 10_000 + 100); // ttft_max + e / min_rate
    await().atMost(Duration.ofSeconds(5)).until(() -> cut.get() == 1);
  }

  @Test
  void aClosedStream_isNeverCut() {
    AtomicInteger cut = new AtomicInteger();
    watch.watch(context, 0, 100, 10, cut::incrementAndGet).close();
    clock.set(1_000_000);
    assertStillOpen(cut);
  }

  @Test
  void aKindThatCannotCountBeforeTheEnd_isHeldToTheTotalDeadlineOnly() {
    AtomicInteger cut = new AtomicInteger();
    StreamWatch.Entry e = watch.watch(context, 0, 100, 10, cut::incrementAndGet);
    e.progress(-1);
    clock.set(35_000);
    assertStillOpen(cut);
  }

  @Test
  void timeHeldForASlowReader_isNotTheMiners() {
    AtomicInteger cut = new AtomicInteger();
    StreamWatch.Entry e = watch.watch(context, 0, 1000, 10, cut::incrementAndGet);
    e.hold(0); // the user's write queue filled at once: the miner is not read
    clock.set(60_000);
    assertStillOpen(cut);
    e.release(60_000);
    clock.set(90_000); // 30 s of the miner's own time: still within its allowance
    assertStillOpen(cut);
    clock.set(95_000); // 5 s past it with no work: behind
    await().atMost(Duration.ofSeconds(5)).until(() -> cut.get() == 1);
  }

  @Test
  void aReaderHoldingTheStreamPastItsDeadline_isCut_asTheReadersDoing() {
    AtomicInteger minerCut = new AtomicInteger();
    AtomicInteger readerCut = new AtomicInteger();
    StreamWatch.Entry e = watch.watch(context, 0, 100, 10, minerCut::incrementAndGet);
    e.onReaderCut(readerCut::incrementAndGet);
    e.progress(50);
    e.hold(5_000);
    clock.set(40_000); // the total deadline (30 s + 100 / 10 s), in wall time
    assertStillOpen(readerCut);
    clock.set(40_200);
    await().atMost(Duration.ofSeconds(5)).until(() -> readerCut.get() == 1);
    assertThat(minerCut.get()).isZero();
    assertThat(watch.open()).isZero();
  }

  /** Waits for two sweeps and checks nothing was cut. */
  private void assertStillOpen(AtomicInteger cut) {
    long sweeps = System.nanoTime();
    await().pollDelay(Duration.ofMillis(450)).atMost(Duration.ofSeconds(2))
        .until(() -> System.nanoTime() - sweeps > 400_000_000L);
    assertThat(cut.get()).isZero();
  }
}
