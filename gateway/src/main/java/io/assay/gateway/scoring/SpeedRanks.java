package io.assay.gateway.scoring;

/**
 * The pooled speed bonus of {@link SpeedBonus} over primitive columns, for pools of millions of
 * answers: the same arithmetic in the same order, so the same bits. Buffers are reused per
 * thread; a pool is filled with {@link #add}, then {@link #bonus} ranks it.
 *
 * <p>Ranking sorts the pool by {@code z} with a least-significant-digit radix sort on the bits
 * of {@code z} (mapped so that integer order is {@link Double#compare} order, which also makes
 * equal keys exactly the ties {@code SpeedBonus} groups), 11 bits a pass, skipping digits that
 * all keys share. Within a tie group the order does not matter: work sums are exact integers.
 * Each answer's bonus is then written back to its place, and each miner's mean summed over its
 * answers in log order, as the reference sums them.
 */
final class SpeedRanks {

  private static final ThreadLocal<SpeedRanks> BUFFERS = ThreadLocal.withInitial(SpeedRanks::new);
  private static final int DIGIT = 11;
  private static final int BUCKETS = 1 << DIGIT;

  private long[] keys = new long[1024];
  private long[] units = new long[1024];
  private int[] order = new int[1024];
  private long[] spareKeys = new long[1024];
  private int[] spareOrder = new int[1024];
  private double[] bonus = new double[1024];
  private final int[] counts = new int[BUCKETS + 1];
  private int size;
  private long allWork;

  private SpeedRanks() {}

  /** This thread's buffers, emptied. */
  static SpeedRanks start() {
    SpeedRanks r = BUFFERS.get();
    r.size = 0;
    r.allWork = 0;
    return r;
  }

  int size() {
    return size;
  }

  /** Adds an answer of {@code work} units at speed-quality {@code z}, after the previous. */
  void add(double z, long work) {
    if (size == keys.length) {
      grow();
    }
    long bits = Double.doubleToLongBits(z);
    // Double.compare order as signed order, then flipped to unsigned for the digit passes.
    keys[size] = (bits ^ ((bits >> 63) & 0x7fffffffffffffffL)) ^ Long.MIN_VALUE;
    units[size] = work;
    size++;
    allWork += work;
  }

  /**
   * The work-weighted mean bonus of the answers {@code from[m] .. from[m + 1] - 1} for each
   * {@code m} (added in log order), 0 where there are none or they did no work.
   */
  double[] bonus(int[] from, double span) {
    sort();
    // Descending z: G(z) = (work above + half the work of equal z) / all work.
    long above = 0;
    int j = size - 1;
    while (j >= 0) {
      long key = keys[j];
      long group = 0;
      int i = j;
      while (i >= 0 && keys[i] == key) {
        group += units[order[i]];
        i--;
      }
      double g = allWork == 0 ? 0.5 : (above + group / 2.0) / allWork;
      double b = span * (0.5 - g);
      for (int k = i + 1; k <= j; k++) {
        bonus[order[k]] = b;
      }
      above += group;
      j = i;
    }
    double[] out = new double[from.length - 1];
    for (int m = 0; m < out.length; m++) {
      double weighted = 0;
      double work = 0;
      for (int k = from[m]; k < from[m + 1]; k++) {
        weighted += units[k] * bonus[k];
        work += units[k];
      }
      out[m] = work == 0 ? 0.0 : weighted / work;
    }
    return out;
  }

  private void sort() {
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    if (size < 2) {
      return;
    }
    long min = -1;
    long max = 0;
    for (int i = 0; i < size; i++) {
      if (Long.compareUnsigned(keys[i], min) < 0) {
        min = keys[i];
      }
      if (Long.compareUnsigned(keys[i], max) > 0) {
        max = keys[i];
      }
    }
    int top = 64 - Long.numberOfLeadingZeros(min ^ max);
    for (int shift = 0; shift < top; shift += DIGIT) {
      java.util.Arrays.fill(counts, 0);
      for (int i = 0; i < size; i++) {
        counts[(int) ((keys[i] >>> shift) & (BUCKETS - 1)) + 1]++;
      }
      boolean shared = false;
      for (int b = 1; b <= BUCKETS; b++) {
        if (counts[b] == size) {
          shared = true;
          break;
        }
      }
      if (shared) {
        continue;
      }
      for (int b = 0; b < BUCKETS; b++) {
        counts[b + 1] += counts[b];
      }
      for (int i = 0; i < size; i++) {
        int b = (int) ((keys[i] >>> shift) & (BUCKETS - 1));
        int to = counts[b]++;
        spareKeys[to] = keys[i];
        spareOrder[to] = order[i];
      }
      long[] k = keys;
      keys = spareKeys;
      spareKeys = k;
      int[] o = order;
      order = spareOrder;
      spareOrder = o;
    }
  }

  private void grow() {
    int n = keys.length * 2;
    keys = java.util.Arrays.copyOf(keys, n);
    units = java.util.Arrays.copyOf(units, n);
    order = new int[n];
    spareKeys = new long[n];
    spareOrder = new int[n];
    bonus = new double[n];
  }
}
