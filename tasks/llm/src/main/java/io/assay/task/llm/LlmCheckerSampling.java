package io.assay.task.llm;

import java.util.Arrays;

/**
 * The distribution a request's sampler draws the next token from at one position, rebuilt from
 * the reference's raw log-probabilities: temperature first, then the top_p nucleus, as {@code
 * ReferenceLm.generate} samples.
 *
 * <p>The order is the reference's: probability descending, then id ascending. At temperature 0
 * all the mass is on the first token (greedy). With top_p below 1 the nucleus is the shortest
 * prefix of the order whose temperature-scaled mass reaches top_p (at least one token); tokens
 * after it can never be drawn.
 *
 * <p>Costs one pass over the vocabulary to build (plus a sort with top_p) and one per {@link
 * #place} query. Not thread-safe; one instance per position.
 */
final class LlmCheckerSampling {

  /** A token's place in the distribution. */
  record Place(int rank, double probability, double tail) {

    /** Unlikely: outside the top {@code k} and in the least likely {@code tailMass}. */
    boolean unlikely(int k, double tailMass) {
      return rank >= k && tail <= tailMass;
    }
  }

  private final double[] logprobs;
  private final double[] weight;
  private final double nucleusLimit;
  private final double nucleus;

  /**
   * @param logprobs the reference's raw next-token log-probabilities, by id ({@code -Infinity}
   *     for impossible tokens); not copied, not modified
   */
  LlmCheckerSampling(double[] logprobs, double temperature, double topP) {
    this.logprobs = logprobs;
    this.weight = new double[logprobs.length];
    int first = 0;
    for (int w = 1; w < logprobs.length; w++) {
      if (logprobs[w] > logprobs[first]) {
        first = w; // ascending ids: a tie keeps the lower id, as the order does
      }
    }
    double sum = 0;
    if (temperature == 0) {
      weight[first] = 1;
      sum = 1;
    } else {
      // Relative to the most likely token, as the sampler scales, so nothing underflows early.
      for (int w = 0; w < logprobs.length; w++) {
        double lp = logprobs[w];
        weight[w] = lp == Double.NEGATIVE_INFINITY ? 0
            : temperature == 1 ? Math.exp(lp) : Math.exp((lp - logprobs[first]) / temperature);
        sum += weight[w];
      }
    }
    this.nucleusLimit = topP >= 1 ? Double.POSITIVE_INFINITY : topP * sum;
    this.nucleus = topP >= 1 ? sum : nucleusMass(weight, topP * sum);
  }

  /** Where {@code id} stands: its raw rank, its sampling probability and the mass from it on. */
  Place place(int id) {
    double lp = logprobs[id];
    int rank = 0;
    double before = 0;
    for (int w = 0; w < logprobs.length; w++) {
      if (w != id && (logprobs[w] > lp || (logprobs[w] == lp && w < id))) {
        rank++;
        before += weight[w];
      }
    }
    // The nucleus keeps growing while the mass before the next token is short of the limit.
    boolean drawable = weight[id] > 0 && (before == 0 || before < nucleusLimit);
    if (!drawable) {
      return new Place(rank, 0, 0);
    }
    return new Place(rank, weight[id] / nucleus, Math.max(0, nucleus - before) / nucleus);
  }

  /** The reference's raw log-probability of {@code id}. */
  double logprob(int id) {
    return logprobs[id];
  }

  int vocabSize() {
    return logprobs.length;
  }

  /** Mass of the shortest prefix, by weight descending, that reaches {@code limit}. */
  private static double nucleusMass(double[] weight, double limit) {
    double[] sorted = weight.clone();
    Arrays.sort(sorted);
    double mass = 0;
    for (int i = sorted.length - 1; i >= 0 && sorted[i] > 0; i--) {
      mass += sorted[i];
      if (mass >= limit) {
        break;
      }
    }
    return mass;
  }
}
