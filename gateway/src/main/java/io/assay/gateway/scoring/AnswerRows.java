package io.assay.gateway.scoring;

import java.util.Arrays;

/**
 * The answers of one (miner, task) still inside the quality window, in log order, as parallel
 * primitive columns: a week of traffic at a subnet's rate is tens of millions of answers, which
 * as objects would cost several times the memory and make every computation chase pointers.
 * Not thread-safe.
 *
 * <p>A row is a successful or abandoned request (an abandoned stream is an answer or a failure
 * depending on the parameters in force when scoring, so it is kept and settled then). Rows are
 * appended in log order and leave from the front as the window slides; each keeps a stable
 * ordinal (its position since the series began), by which a verdict that arrives later finds it.
 * Quality columns hold {@link Double#NaN} while the row has no verdict that counts.
 */
final class AnswerRows {

  private static final byte ABANDONED = 1;

  private long[] seq = new long[16];
  private long[] at = new long[16];
  private long[] units = new long[16];
  private double[] seconds = new double[16];
  private double[] weight = new double[16];
  private double[] quality = new double[16];
  private double[] powered = new double[16];
  private long[] verdictSeq = new long[16];
  private byte[] flags = new byte[16];
  private int start;
  private int end;
  /** Ordinal of the row at {@code start}. */
  private long firstOrdinal;

  int size() {
    return end - start;
  }

  /** Ordinal the next appended row gets. */
  long nextOrdinal() {
    return firstOrdinal + size();
  }

  /** Index (for the accessors) of the row with {@code ordinal}, or -1 when it has left. */
  int indexOf(long ordinal) {
    long i = ordinal - firstOrdinal;
    return i < 0 || i >= size() ? -1 : (int) (start + i);
  }

  /** First index; rows are {@code first() .. last() - 1}. */
  int first() {
    return start;
  }

  int last() {
    return end;
  }

  /**
   * Appends a row, unchecked.
   *
   * @param weight {@code w / p}, its weight in the quality mean once checked
   * @return its ordinal
   */
  long append(long seqNo, long atMillis, long work, double secs, double weightValue,
      boolean abandoned) {
    if (end == seq.length) {
      grow();
    }
    seq[end] = seqNo;
    at[end] = atMillis;
    units[end] = work;
    seconds[end] = secs;
    weight[end] = weightValue;
    quality[end] = Double.NaN;
    powered[end] = Double.NaN;
    verdictSeq[end] = -1;
    flags[end] = abandoned ? ABANDONED : 0;
    end++;
    return nextOrdinal() - 1;
  }

  /** Sets the row's counting verdict: its clamped quality, {@code q^exponent}, and the event. */
  void check(int i, double q, double qPowered, long verdict) {
    quality[i] = q;
    powered[i] = qPowered;
    verdictSeq[i] = verdict;
  }

  void uncheck(int i) {
    check(i, Double.NaN, Double.NaN, -1);
  }

  /** Recomputes every checked row's {@code q^exponent} (after a parameter change). */
  void repower(double exponent) {
    for (int i = start; i < end; i++) {
      if (!Double.isNaN(quality[i])) {
        powered[i] = StrictMath.pow(quality[i], exponent);
      }
    }
  }

  /** Drops the first row. */
  void removeFirst() {
    start++;
    firstOrdinal++;
    if (start == end) {
      start = 0;
      end = 0;
    } else if (start > 4096 && start > seq.length / 2) {
      compact();
    }
  }

  long seq(int i) {
    return seq[i];
  }

  long at(int i) {
    return at[i];
  }

  long units(int i) {
    return units[i];
  }

  double seconds(int i) {
    return seconds[i];
  }

  double weight(int i) {
    return weight[i];
  }

  boolean checked(int i) {
    return !Double.isNaN(quality[i]);
  }

  double quality(int i) {
    return quality[i];
  }

  double powered(int i) {
    return powered[i];
  }

  long verdictSeq(int i) {
    return verdictSeq[i];
  }

  boolean abandoned(int i) {
    return (flags[i] & ABANDONED) != 0;
  }

  /** The row as an {@link OldAnswer}, to outlive it. */
  OldAnswer toOld(int i) {
    return new OldAnswer(seq[i], at[i], units[i], seconds[i], weight[i], quality[i], powered[i],
        verdictSeq[i], abandoned(i));
  }

  private void grow() {
    if (start > 0) {
      compact();
      if (end < seq.length) {
        return;
      }
    }
    resize(seq.length + (seq.length >> 1) + 16);
  }

  /** Moves the rows to the start of new columns of {@code capacity}. */
  private void resize(int capacity) {
    int n = size();
    seq = Arrays.copyOfRange(seq, start, start + capacity);
    at = Arrays.copyOfRange(at, start, start + capacity);
    units = Arrays.copyOfRange(units, start, start + capacity);
    seconds = Arrays.copyOfRange(seconds, start, start + capacity);
    weight = Arrays.copyOfRange(weight, start, start + capacity);
    quality = Arrays.copyOfRange(quality, start, start + capacity);
    powered = Arrays.copyOfRange(powered, start, start + capacity);
    verdictSeq = Arrays.copyOfRange(verdictSeq, start, start + capacity);
    flags = Arrays.copyOfRange(flags, start, start + capacity);
    start = 0;
    end = n;
  }

  private void compact() {
    int n = size();
    if (n < seq.length / 4) {
      resize(n + (n >> 1) + 16);
      return;
    }
    System.arraycopy(seq, start, seq, 0, n);
    System.arraycopy(at, start, at, 0, n);
    System.arraycopy(units, start, units, 0, n);
    System.arraycopy(seconds, start, seconds, 0, n);
    System.arraycopy(weight, start, weight, 0, n);
    System.arraycopy(quality, start, quality, 0, n);
    System.arraycopy(powered, start, powered, 0, n);
    System.arraycopy(verdictSeq, start, verdictSeq, 0, n);
    System.arraycopy(flags, start, flags, 0, n);
    start = 0;
    end = n;
  }
}
