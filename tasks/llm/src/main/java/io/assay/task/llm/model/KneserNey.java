package io.assay.task.llm.model;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Interpolated modified Kneser-Ney n-gram model (Chen and Goodman, 1998) of order {@value
 * #ORDER}, trained from sorted arrays, with no hash map.
 *
 * <p>How it works. Every predicted position of the corpus yields one n-gram of {@value #ORDER}
 * token ids (16 bits each, packed into a long). Positions before the start of the document, or
 * before the role token that opens the current chat message, hold {@link #BOS}: each message is
 * modelled on its own (the topic evidence carries the subject across messages), and the first
 * words of an answer are predicted from the raw counts after {@code BOS BOS <|assistant|>},
 * whatever the question was. Sorting the longs groups them by context, with followers in id
 * order; a run-length pass gives the counts. Each lower order counts continuations (the number of
 * distinct tokens seen before an n-gram), except n-grams starting with {@link #BOS}, which keep
 * their raw count as nothing can precede them. Per order, three discounts come from the
 * count-of-counts. Each context stores its back-off weight and each of its followers its
 * discounted probability, so a full next-token distribution costs one binary search and one pass
 * over the support per order:
 *
 * <pre>P_k(w | h) = max(c(h w) - D(c), 0) / c(h) + gamma(h) P_(k-1)(w | h')</pre>
 *
 * <p>The unigram level is interpolated with the uniform distribution over the <em>support</em>:
 * tokens predicted somewhere in the corpus. Every other token (spelling pieces, raw bytes, role
 * tokens) has probability 0, which is what keeps generated text re-tokenisable.
 *
 * <p>Immutable and thread-safe after construction.
 */
final class KneserNey {

  static final int ORDER = 4;
  /** Padding before a document's first token; not a token id. */
  static final int BOS = 0x7FFF;
  /**
   * Scales the Chen-Goodman discounts. A template corpus has many singletons that are not
   * evidence of unseen continuations; of 1, 0.7, 0.5 and 0.3, 0.7 gave the lowest perplexity on
   * held-out generated text.
   */
  static final double DISCOUNT_SCALE = 0.7;
  private static final int BITS = 16;
  private static final long TOKEN_MASK = (1L << BITS) - 1;

  /** One order {@code k >= 2}: contexts of {@code k - 1} tokens and their followers. */
  private record Level(long[] contexts, int[] start, double[] gamma, int[] token, double[] prob) {}

  private final int[] support;
  private final double[] unigram;
  private final Level[] levels;

  private KneserNey(int[] support, double[] unigram, Level[] levels) {
    this.support = support;
    this.unigram = unigram;
    this.levels = levels;
  }

  /**
   * The n-gram keys of documents {@code tokens[docStart[d], docStart[d + 1])}, one per predicted
   * position, grouped by {@code group[d]} (0 to {@code groups - 1}) and sorted within each group.
   * Tokens failing {@code predicted} are role markers: context only, and they reset the history
   * to {@link #BOS}.
   */
  static long[][] grams(int[] tokens, int[] docStart, int[] group, int groups,
      IntPredicate predicted) {
    int[] sizes = new int[groups];
    for (int d = 0; d < group.length; d++) {
      for (int p = docStart[d]; p < docStart[d + 1]; p++) {
        if (predicted.test(tokens[p])) {
          sizes[group[d]]++;
        }
      }
    }
    long[][] grams = new long[groups][];
    for (int g = 0; g < groups; g++) {
      grams[g] = new long[sizes[g]];
    }
    int[] fill = new int[groups];
    for (int d = 0; d < group.length; d++) {
      int from = docStart[d];
      long[] into = grams[group[d]];
      for (int p = from; p < docStart[d + 1]; p++) {
        if (!predicted.test(tokens[p])) {
          from = p; // a message starts: what came before is not n-gram context
          continue;
        }
        long key = 0;
        for (int j = p - ORDER + 1; j <= p; j++) {
          key = key << BITS | (j < from ? BOS : tokens[j]);
        }
        into[fill[group[d]]++] = key;
      }
    }
    for (long[] g : grams) {
      Arrays.sort(g);
    }
    return grams;
  }

  /** Merges sorted arrays into one sorted array (pairwise, so linear work per level). */
  static long[] merge(long[][] sorted) {
    long[][] runs = sorted;
    while (runs.length > 1) {
      long[][] next = new long[(runs.length + 1) / 2][];
      for (int i = 0; i < next.length; i++) {
        next[i] = 2 * i + 1 < runs.length ? merge(runs[2 * i], runs[2 * i + 1]) : runs[2 * i];
      }
      runs = next;
    }
    return runs.length == 0 ? new long[0] : runs[0];
  }

  private static long[] merge(long[] a, long[] b) {
    long[] out = new long[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
    }
    while (i < a.length) {
      out[k++] = a[i++];
    }
    while (j < b.length) {
      out[k++] = b[j++];
    }
    return out;
  }

  /** Trains on the sorted n-gram keys of {@link #grams}. */
  static KneserNey train(long[] grams, int vocabSize) {
    if (vocabSize > BOS) {
      throw new IllegalArgumentException("vocabulary too large to pack: " + vocabSize);
    }
    long[][] distinct = new long[ORDER + 1][];
    int[][] adjusted = new int[ORDER + 1][];
    runLength(grams, ORDER, distinct, adjusted);
    for (int k = ORDER - 1; k >= 1; k--) {
      long mask = (1L << (BITS * k)) - 1;
      long[] higher = distinct[k + 1];
      long[] suffixes = new long[higher.length];
      for (int i = 0; i < higher.length; i++) {
        suffixes[i] = higher[i] & mask;
      }
      Arrays.sort(suffixes);
      runLength(suffixes, k, distinct, adjusted);
      if (k >= 2) {
        long bosPrefix = (long) BOS << (BITS * k);
        for (int i = 0; i < distinct[k].length; i++) {
          long g = distinct[k][i];
          if ((g >>> (BITS * (k - 1))) == BOS) {
            int at = Arrays.binarySearch(distinct[k + 1], bosPrefix | g);
            adjusted[k][i] = adjusted[k + 1][at];
          }
        }
      }
    }

    Level[] levels = new Level[ORDER + 1];
    for (int k = 2; k <= ORDER; k++) {
      levels[k] = level(distinct[k], adjusted[k]);
    }
    double[] d = discounts(adjusted[1]);
    long total = 0;
    double weight = 0;
    for (int a : adjusted[1]) {
      total += a;
      weight += discount(d, a);
    }
    int[] support = new int[distinct[1].length];
    double[] unigram = new double[vocabSize];
    double gamma = weight / total;
    for (int i = 0; i < support.length; i++) {
      support[i] = (int) distinct[1][i];
      int a = adjusted[1][i];
      unigram[support[i]] = (a - discount(d, a)) / total + gamma / support.length;
    }
    return new KneserNey(support, unigram, levels);
  }

  private static void runLength(long[] sorted, int k, long[][] distinct, int[][] counts) {
    long[] keys = new long[sorted.length];
    int[] c = new int[sorted.length];
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (n > 0 && keys[n - 1] == sorted[i]) {
        c[n - 1]++;
      } else {
        keys[n] = sorted[i];
        c[n++] = 1;
      }
    }
    distinct[k] = Arrays.copyOf(keys, n);
    counts[k] = Arrays.copyOf(c, n);
  }

  private static Level level(long[] grams, int[] adjusted) {
    double[] d = discounts(adjusted);
    int contexts = 0;
    for (int i = 0; i < grams.length; i++) {
      if (i == 0 || (grams[i] >>> BITS) != (grams[i - 1] >>> BITS)) {
        contexts++;
      }
    }
    long[] keys = new long[contexts];
    int[] start = new int[contexts + 1];
    double[] gamma = new double[contexts];
    int[] token = new int[grams.length];
    double[] prob = new double[grams.length];
    int c = -1;
    for (int i = 0; i < grams.length; i++) {
      if (i == 0 || (grams[i] >>> BITS) != (grams[i - 1] >>> BITS)) {
        keys[++c] = grams[i] >>> BITS;
        start[c] = i;
      }
      token[i] = (int) (grams[i] & TOKEN_MASK);
    }
    start[contexts] = grams.length;
    for (c = 0; c < contexts; c++) {
      long total = 0;
      double weight = 0;
      for (int i = start[c]; i < start[c + 1]; i++) {
        total += adjusted[i];
        weight += discount(d, adjusted[i]);
      }
      gamma[c] = weight / total;
      for (int i = start[c]; i < start[c + 1]; i++) {
        prob[i] = (adjusted[i] - discount(d, adjusted[i])) / total;
      }
    }
    return new Level(keys, start, gamma, token, prob);
  }

  /** Modified Kneser-Ney discounts D1, D2, D3+ from the count-of-counts (Chen and Goodman). */
  private static double[] discounts(int[] counts) {
    long[] n = new long[5];
    for (int a : counts) {
      if (a <= 4) {
        n[a]++;
      }
    }
    if (n[1] == 0 || n[2] == 0 || n[3] == 0 || n[4] == 0) {
      return new double[] {0.5, 1.0, 1.5};
    }
    double y = n[1] / (n[1] + 2.0 * n[2]);
    return new double[] {
      clamp(1 - 2 * y * n[2] / n[1], 0.95), clamp(2 - 3 * y * n[3] / n[2], 1.95),
      clamp(3 - 4 * y * n[4] / n[3], 2.95)
    };
  }

  private static double clamp(double d, double max) {
    return DISCOUNT_SCALE * Math.max(0.05, Math.min(max, d));
  }

  private static double discount(double[] d, int count) {
    return d[Math.min(count, 3) - 1];
  }

  // ---------------------------------------------------------------- inference

  /** Token ids with a non-zero probability in every context, ascending. Do not modify. */
  int[] support() {
    return support;
  }

  /**
   * Writes {@code P(w | history)} into {@code out} for every {@code w} of the support, and 0
   * elsewhere. {@code history} holds the last {@code ORDER - 1} tokens, oldest first, padded with
   * {@link #BOS}. The arithmetic runs in a fixed order, so results are bit-identical everywhere.
   */
  void distribution(int[] history, double[] out) {
    System.arraycopy(unigram, 0, out, 0, unigram.length);
    long key = 0;
    for (int k = 2; k <= ORDER; k++) {
      key |= (long) history[ORDER - k] << (BITS * (k - 2));
      Level level = levels[k];
      int c = Arrays.binarySearch(level.contexts, key);
      if (c < 0) {
        return; // an unseen context has no longer seen extension either
      }
      double g = level.gamma[c];
      for (int w : support) {
        out[w] *= g;
      }
      for (int i = level.start[c]; i < level.start[c + 1]; i++) {
        out[level.token[i]] += level.prob[i];
      }
    }
  }

  /**
   * {@code P(token | history)} alone; the same arithmetic as {@link #distribution}, so the same
   * value it would write for {@code token}.
   */
  double probability(int[] history, int token) {
    double p = unigram[token];
    long key = 0;
    for (int k = 2; k <= ORDER; k++) {
      key |= (long) history[ORDER - k] << (BITS * (k - 2));
      Level level = levels[k];
      int c = Arrays.binarySearch(level.contexts, key);
      if (c < 0) {
        break;
      }
      p *= level.gamma[c];
      int i = Arrays.binarySearch(level.token, level.start[c], level.start[c + 1], token);
      if (i >= 0) {
        p += level.prob[i];
      }
    }
    return p;
  }

  /** Number of distinct n-grams of each order 1..ORDER, for the load log. */
  String describe() {
    StringBuilder s = new StringBuilder("support " + support.length);
    for (int k = 2; k <= ORDER; k++) {
      s.append(", ").append(k).append("-grams ").append(levels[k].token.length);
    }
    return s.toString();
  }
}
