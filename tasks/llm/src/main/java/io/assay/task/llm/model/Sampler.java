package io.assay.task.llm.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses the next token from a {@link Distribution}: greedy at temperature 0, else one draw of
 * {@code SplittableRandom.nextDouble()} per token against the temperature-scaled weights,
 * optionally restricted to the nucleus.
 *
 * <p>Every sum runs in a fixed order (ids ascending for the full distribution, the documented
 * order for the nucleus) and every transcendental function is {@link StrictMath}'s, so the same
 * seed gives the same tokens on every JVM.
 *
 * <p>Not thread-safe: holds scratch arrays for one generation.
 */
final class Sampler {

  /** Nucleus candidates are first looked for among tokens this close to the most likely one. */
  private static final double CANDIDATE_RATIO = 1e-4;

  private final double[] weights;
  private final int[] candidates;

  Sampler(int vocabSize) {
    this.weights = new double[vocabSize];
    this.candidates = new int[vocabSize];
  }

  int choose(Distribution d, double temperature, double topP, SplittableRandom random) {
    int best = d.argmax();
    if (temperature == 0) {
      return best;
    }
    double[] q = d.q;
    int[] support = d.support;
    double total = 0;
    if (temperature == 1) {
      for (int w : support) {
        weights[w] = q[w];
        total += q[w];
      }
    } else {
      double logMax = StrictMath.log(q[best]);
      for (int w : support) {
        weights[w] = q[w] > 0 ? StrictMath.exp((StrictMath.log(q[w]) - logMax) / temperature) : 0;
        total += weights[w];
      }
    }
    double u = random.nextDouble();
    return topP >= 1 ? walk(support, support.length, u * total) : nucleus(d, topP * total, u);
  }

  private int walk(int[] order, int n, double target) {
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < n; i++) {
      int w = order[i];
      if (weights[w] > 0) {
        cumulative += weights[w];
        last = w;
        if (cumulative > target) {
          return w;
        }
      }
    }
    return last; // rounding left the target just past the end
  }

  /**
   * The shortest prefix, in the order, whose weight reaches {@code mass}. Only tokens with weight
   * at least a threshold are sorted: they come first in the order, so when their weight already
   * reaches {@code mass} the prefix lies among them; otherwise the threshold is lowered.
   */
  private int nucleus(Distribution d, double mass, double u) {
    double max = weights[d.argmax()];
    double threshold = max * CANDIDATE_RATIO;
    int n;
    while (true) {
      n = 0;
      double sum = 0;
      for (int w : d.support) {
        if (weights[w] > 0 && weights[w] >= threshold) {
          candidates[n++] = w;
          sum += weights[w];
        }
      }
      if (sum >= mass || threshold == 0) {
        break;
      }
      threshold = threshold * CANDIDATE_RATIO < Double.MIN_NORMAL ? 0 : threshold * CANDIDATE_RATIO;
    }
    Integer[] sorted = new Integer[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = candidates[i];
    }
    Arrays.sort(sorted, (a, b) -> weights[a] != weights[b]
        ? Double.compare(weights[b], weights[a]) : Integer.compare(a, b));
    int size = 0;
    double cumulative = 0;
    while (size < n) {
      cumulative += weights[sorted[size]];
      candidates[size] = sorted[size];
      size++;
      if (cumulative >= mass) {
        break;
      }
    }
    return walk(candidates, size, u * cumulative);
  }
}
