package io.assay.miner.sim;

import java.math.BigInteger;
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

  synchronized long nextLong() {
    return random.nextLong();
  }

  /** A uniform integer in {@code [0, bound)}, for a positive {@code bound}. */
  synchronized BigInteger nextBelow(BigInteger bound) {
    byte[] bytes = new byte[(bound.bitLength() + 7) / 8];
    BigInteger value;
    do {
      random.nextBytes(bytes);
      value = new BigInteger(1, bytes).shiftRight(bytes.length * 8 - bound.bitLength());
    } while (value.compareTo(bound) >= 0);
    return value;
  }
}
