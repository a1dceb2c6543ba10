package io.assay.gateway.scoring;

import java.util.Arrays;

/**
 * The response times of the {@code limit} newest answers offered, newest by time and then by
 * log position, as {@link Answer#NEWEST_FIRST} orders them: a bounded min-heap, so choosing the
 * newest of millions costs one comparison for most. Not thread-safe.
 */
final class NewestAnswers {

  private final long[] at;
  private final long[] seq;
  private final double[] seconds;
  private int size;

  NewestAnswers(int limit) {
    at = new long[limit];
    seq = new long[limit];
    seconds = new double[limit];
  }

  int size() {
    return size;
  }

  void offer(long atMillis, long seqNo, double secs) {
    if (size < at.length) {
      at[size] = atMillis;
      seq[size] = seqNo;
      seconds[size] = secs;
      up(size++);
    } else if (size > 0 && older(0, atMillis, seqNo)) {
      at[0] = atMillis;
      seq[0] = seqNo;
      seconds[0] = secs;
      down(0);
    }
  }

  /** The kept response times, in no particular order. */
  double[] seconds() {
    return Arrays.copyOf(seconds, size);
  }

  /** Whether the kept answer {@code i} is older than ({@code a}, {@code s}). */
  private boolean older(int i, long a, long s) {
    return at[i] < a || (at[i] == a && seq[i] < s);
  }

  private boolean less(int i, int j) {
    return older(i, at[j], seq[j]);
  }

  private void up(int i) {
    while (i > 0) {
      int parent = (i - 1) / 2;
      if (!less(i, parent)) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void down(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        return;
      }
      int c = l + 1 < size && less(l + 1, l) ? l + 1 : l;
      if (!less(c, i)) {
        return;
      }
      swap(c, i);
      i = c;
    }
  }

  private void swap(int i, int j) {
    long a = at[i];
    at[i] = at[j];
    at[j] = a;
    long s = seq[i];
    seq[i] = seq[j];
    seq[j] = s;
    double d = seconds[i];
    seconds[i] = seconds[j];
    seconds[j] = d;
  }
}
