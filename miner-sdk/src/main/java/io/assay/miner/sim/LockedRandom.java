package io.assay.miner.sim;

import java.util.Objects;
import java.util.random.RandomGenerator;

/** A random generator shared by threads: every draw holds its lock. */
final class LockedRandom {

  private final RandomGenerator random;

  LockedRandom(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  synchronized double nextDouble() {
    return random.nextDouble();
  }

  synchronized int nextInt(int bound) {
    return random.nextInt(bound);
  }

  synchronized double nextGaussian() {
    return random.nextGaussian();
  }
}
