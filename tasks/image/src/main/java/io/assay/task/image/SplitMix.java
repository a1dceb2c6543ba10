package io.assay.task.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SplitMix64, written out here rather than taken from the JDK so that the reference images can
 * never change with a JDK's choice of algorithm, plus the stable hashes the engine seeds it
 * with. Not thread-safe: one instance per use.
 */
final class SplitMix {

  private long state;

  SplitMix(long seed) {
    this.state = seed;
  }

  long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  /** Uniform in [0, 1), 53 bits. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [lo, hi). */
  double range(double lo, double hi) {
    return lo + (hi - lo) * nextDouble();
  }

  /** Uniform in [0, bound); bound positive and small (a modulo's bias is irrelevant here). */
  int nextInt(int bound) {
    return (int) ((nextLong() >>> 33) % bound);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A lattice value in [0, 1) for cell ({@code x}, {@code y}) of the noise layer {@code seed}. */
  static double lattice(int x, int y, long seed) {
    long h = mix(seed ^ (x * 0x9E3779B97F4A7C15L) ^ (y * 0xC2B2AE3D27D4EB4FL));
    return (h >>> 40) * 0x1.0p-24;
  }

  /** The first 8 bytes of SHA-256 over {@code parts}, each length-prefixed, as a seed. */
  static long digest(Object... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Object part : parts) {
        byte[] bytes = part instanceof String s ? s.getBytes(StandardCharsets.UTF_8)
            : ByteBuffer.allocate(8).putLong(((Number) part).longValue()).array();
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
      }
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
