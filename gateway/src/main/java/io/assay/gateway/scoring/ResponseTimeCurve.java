package io.assay.gateway.scoring;

import java.util.Arrays;

/**
 * The speed score of tasks judged by response time rather than throughput (zk proofs, SCORING.md
 * section 7, after subnet 2's curve): a response as fast as the task's fastest recent one scores
 * 1, one as slow as its slowest recent ones about 0.04, along an S-shaped curve.
 *
 * @param min the smallest recent response time, in seconds
 * @param max the median of the slowest 5% of them (at least one), at least {@code min + 1}
 */
record ResponseTimeCurve(double min, double max) {

  /**
   * The curve of a task's recent successful response times.
   *
   * @param seconds at least one response time; not modified
   * @param timeoutSeconds the task's timeout: both ends are clamped to it
   */
  static ResponseTimeCurve of(double[] seconds, double timeoutSeconds) {
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    int slowest = Math.max(1, (int) Math.ceil(sorted.length * 0.05));
    double[] tail = Arrays.copyOfRange(sorted, sorted.length - slowest, sorted.length);
    double median = tail.length % 2 == 1 ? tail[tail.length / 2]
        : (tail[tail.length / 2 - 1] + tail[tail.length / 2]) / 2;
    double min = Math.min(sorted[0], timeoutSeconds);
    double max = Math.min(median, timeoutSeconds);
    if (max - min < 1) {
      max = min + 1;
    }
    return new ResponseTimeCurve(min, max);
  }

  /** {@code 1 - f(x)} for a response of {@code seconds}. */
  double score(double seconds) {
    double x = Math.min((seconds - min) / (max - min), 0.99);
    double d = x - 0.5;
    double a = Math.abs(d);
    double f = 0.41735537 + (20.0 / 121) * x
        + Math.signum(d) * ((4.0 / 121) * a * a * a + (1600.0 / 121) * a * a * a * a * a);
    return 1 - f;
  }
}
