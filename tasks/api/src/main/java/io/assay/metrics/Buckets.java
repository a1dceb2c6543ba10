package io.assay.metrics;

/** Histogram bucket bounds shared by the processes, so their latencies compare bucket by bucket. */
public final class Buckets {

  private Buckets() {}

  /**
   * Upper bounds in seconds, from 5 ms (a cached or refused answer) to 5 minutes (a long
   * generation or a proof).
   */
  public static double[] seconds() {
    return new double[] {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
        300};
  }
}
