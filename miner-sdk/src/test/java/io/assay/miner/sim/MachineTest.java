package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MachineTest {

  @Test
  void slots_areTakenUntilNoneIsFree_andReturned() {
    Machine m = new Machine("box", 2);
    assertThat(m.tryAcquire("llm/a")).isTrue();
    assertThat(m.tryAcquire("llm/a")).isTrue();
    assertThat(m.tryAcquire("llm/a")).isFalse();
    assertThat(m.inUse("llm/a")).isEqualTo(2);
    m.release("llm/a");
    assertThat(m.tryAcquire("llm/a")).isTrue();
  }

  @Test
  void eachTask_hasSlotsOfItsOwn() {
    Machine m = new Machine("box", 1);
    assertThat(m.tryAcquire("llm/a")).isTrue();
    assertThat(m.tryAcquire("embeddings/b")).isTrue();
    assertThat(m.tryAcquire("llm/a")).isFalse();
    assertThat(m.inUse("image/c")).isZero();
  }

  @Test
  void aSlotReleasedThatWasNotTaken_isAnError() {
    Machine m = new Machine("box", 1);
    assertThatThrownBy(() -> m.release("llm/a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("box");
  }

  @Test
  void concurrentTakers_neverGetMoreThanTheSlots() {
    Machine m = new Machine("box", 7);
    AtomicInteger taken = new AtomicInteger();
    IntStream.range(0, 10_000).parallel().forEach(i -> {
      if (m.tryAcquire("t")) {
        taken.incrementAndGet();
      }
    });
    assertThat(taken.get()).isEqualTo(7);
    assertThat(m.inUse("t")).isEqualTo(7);
  }

  @Test
  void aMachineNeedsASlot() {
    assertThatThrownBy(() -> new Machine("box", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
