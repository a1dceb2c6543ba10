package io.assay.task.llm;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The fine check of the llm checkers: at a few positions of an answer, how far the miner's
 * claimed log-probabilities are from the reference's.
 *
 * <p>Positions: the first and the last token, then unlikely ones, then random ones from a
 * generator seeded by the answer ({@link #key}), so a result never changes when checked again.
 */
final class FineCheck {

  /** Distance counted for a position whose claimed or reference log-probability is not finite. */
  static final double MAX_DISTANCE = 10;

  private FineCheck() {}

  /**
   * Mean absolute claimed-vs-reference log-probability error at up to {@code wanted} positions;
   * 0 for an empty answer.
   *
   * @param reference the reference's log-probability of each answer token
   * @param unlikely which tokens the coarse check found unlikely
   */
  static double meanDistance(LlmAnswer answer, double[] reference, boolean[] unlikely,
      int wanted) {
    int n = reference.length;
    if (n == 0) {
      return 0;
    }
    int count = Math.min(wanted, n);
    Set<Integer> positions = new LinkedHashSet<>();
    positions.add(0);
    positions.add(n - 1);
    for (int i = 0; i < n && positions.size() < count; i++) {
      if (unlikely[i]) {
        positions.add(i);
      }
    }
    SplittableRandom random = new SplittableRandom(key(answer));
    while (positions.size() < count) {
      positions.add(random.nextInt(n));
    }
    double sum = 0;
    for (int i : positions) {
      double distance = Math.abs(answer.tokens().get(i).logprob() - reference[i]);
      // NaN (a missing claim) and infinities count as the largest error, never as a match.
      sum += distance < MAX_DISTANCE ? distance : MAX_DISTANCE;
    }
    return sum / positions.size();
  }

  /** A seed that depends only on the answer, so replays and fine positions are repeatable. */
  static long key(LlmAnswer answer) {
    long h = answer.text().hashCode();
    h = h * 1_000_003 + answer.tokens().size();
    return h * 1_000_003 + Objects.hashCode(answer.finishReason());
  }
}
