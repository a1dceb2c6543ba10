package io.assay.task.llm.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One next-token distribution, unnormalised: {@code q[w] / z} is the probability of {@code w}.
 * Log-probabilities are computed on demand as {@code log(q[w]) - log(z)}, the same expression
 * wherever they are reported, so generation and scoring agree bit for bit.
 *
 * <p>The order used everywhere (greedy choice, alternatives, ranks, nucleus) is probability
 * descending, then id ascending.
 *
 * <p>A scratch object: not thread-safe, refilled by {@link LanguageModel#next} at every step.
 */
final class Distribution {

  final double[] q;
  final int[] support;
  /** Scratch for the topic mixture and for one component model. */
  final double[] theta;
  final double[] scratch;
  private double logZ;

  Distribution(int vocabSize, int[] support, int topics) {
    this.q = new double[vocabSize];
    this.support = support;
    this.theta = new double[topics];
    this.scratch = new double[vocabSize];
  }

  /** Sums {@code q} over the support in id order and remembers its log. */
  void normalise() {
    double z = 0;
    for (int w : support) {
      z += q[w];
    }
    logZ = StrictMath.log(z);
  }

  double logprob(int id) {
    return q[id] > 0 ? StrictMath.log(q[id]) - logZ : Double.NEGATIVE_INFINITY;
  }

  double[] logprobs() {
    double[] lp = new double[q.length];
    for (int w = 0; w < lp.length; w++) {
      lp[w] = logprob(w);
    }
    return lp;
  }

  private boolean before(int a, int b) {
    return q[a] > q[b] || (q[a] == q[b] && a < b);
  }

  int argmax() {
    int best = -1;
    for (int w : support) {
      if (q[w] > 0 && (best < 0 || q[w] > q[best])) {
        best = w; // support is ascending, so ties keep the lowest id
      }
    }
    return best;
  }

  /** Rank of {@code id} in the order (0 = first); impossible tokens rank after possible ones. */
  int rank(int id) {
    int rank = 0;
    for (int w = 0; w < q.length; w++) {
      if (w != id && before(w, id)) {
        rank++;
      }
    }
    return rank;
  }

  /** The {@code k} first possible tokens in the order. */
  List<Alternative> top(int k, LmTokenizer tokenizer) {
    if (k == 0) {
      return List.of();
    }
    int[] best = new int[k];
    int n = 0;
    for (int w : support) {
      if (q[w] <= 0 || (n == k && !(q[w] > q[best[k - 1]]))) {
        continue; // ascending ids: an equal probability never moves ahead of an earlier token
      }
      int i = n < k ? n++ : k - 1;
      while (i > 0 && before(w, best[i - 1])) {
        best[i] = best[i - 1];
        i--;
      }
      best[i] = w;
    }
    List<Alternative> top = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      top.add(new Alternative(best[i], tokenizer.tokenText(best[i]), logprob(best[i])));
    }
    return top;
  }
}
