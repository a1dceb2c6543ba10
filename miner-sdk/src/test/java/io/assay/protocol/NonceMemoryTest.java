package io.assay.protocol;

import static io.assay.protocol.NonceMemory.Outcome.FULL;
import static io.assay.protocol.NonceMemory.Outcome.RECORDED;
import static io.assay.protocol.NonceMemory.Outcome.REPLAYED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NonceMemoryTest {

  private static final long W = 30_000;
  private static final long T0 = 1_750_000_012_345L;

  private final NonceMemory memory = new NonceMemory(Duration.ofMillis(W), 100);

  @Test
  void nonceSeenTwiceWithinTheWindow_isAReplay() {
    assertThat(memory.record("n", T0, T0)).isEqualTo(RECORDED);
    assertThat(memory.record("n", T0, T0 + W)).isEqualTo(REPLAYED);
  }

  @Test
  void nonceReusedWithAnotherTimestamp_isStillAReplay() {
    assertThat(memory.record("n", T0, T0)).isEqualTo(RECORDED);
    assertThat(memory.record("n", T0 + W, T0 + 10)).isEqualTo(REPLAYED);
  }

  @Test
  void nonceIsForgottenOnceItsTimestampCanNoLongerBeAccepted() {
    memory.record("n", T0, T0);

    assertThat(memory.record("n", T0 + 2 * W + 1, T0 + 2 * W + 1)).isEqualTo(RECORDED);
    assertThat(memory.size()).isEqualTo(1);
  }

  @Test
  void fullMemory_refusesNewNoncesThenRecoversAsTheyExpire() {
    NonceMemory small = new NonceMemory(Duration.ofMillis(W), 3);
    for (int i = 0; i < 3; i++) {
      assertThat(small.record("n" + i, T0, T0)).isEqualTo(RECORDED);
    }

    assertThat(small.record("n3", T0, T0)).isEqualTo(FULL);
    assertThat(small.record("n0", T0, T0)).isEqualTo(REPLAYED);
    assertThat(small.record("n3", T0 + 2 * W, T0 + 2 * W + 1)).isEqualTo(RECORDED);
  }

  @Test
  void timestampOutsideTheWindow_isAProgrammingError() {
    assertThatThrownBy(() -> memory.record("n", T0 - 2 * W, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentRecordsOfOneNonce_admitExactlyOne() throws Exception {
    NonceMemory big = new NonceMemory(Duration.ofMillis(W), 1_000_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger recorded = new AtomicInteger();
    for (int t = 0; t < 8; t++) {
      pool.execute(() -> {
        for (int i = 0; i < 10_000; i++) {
          if (big.record("nonce-" + i, T0 + i, T0 + i) == RECORDED) {
            recorded.incrementAndGet();
          }
        }
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(recorded).hasValue(10_000);
    assertThat(big.size()).isEqualTo(10_000);
  }
}
