package io.assay.task.image;

import java.util.Arrays;

/**
 * A canonical prefix code as deflate uses it (RFC 1951 section 3.2.2): the code is fully given by
 * each symbol's code length, codes of one length are consecutive in symbol order.
 *
 * <p>Lengths for a frequency table come from the package-merge algorithm, which gives the optimal
 * code under a length limit (15 bits for deflate's literal and distance alphabets, 7 for the
 * code-length alphabet) directly, instead of building an unlimited Huffman tree and repairing it.
 * Every step sorts on (frequency, symbol) and breaks ties by fixed rules, so equal inputs give
 * equal codes on every machine.
 *
 * <p>Codes always have at least two symbols, and so are complete: a lone used symbol gets a
 * partner of frequency zero. zlib's inflater refuses an incomplete code-length code, and a
 * complete code is never wrong.
 *
 * <p>Immutable.
 */
final class HuffmanCode {

  private final int[] lengths;
  /** Bit-reversed codes, ready for {@link BitWriter}'s LSB-first order. */
  private final int[] codes;

  private HuffmanCode(int[] lengths) {
    this.lengths = lengths;
    this.codes = canonicalCodes(lengths);
  }

  /** The code with exactly these lengths (0 = symbol unused). */
  static HuffmanCode ofLengths(int[] lengths) {
    return new HuffmanCode(lengths.clone());
  }

  /** An optimal code for {@code frequencies} with no code longer than {@code maxBits}. */
  static HuffmanCode optimal(int[] frequencies, int maxBits) {
    return new HuffmanCode(limitedLengths(frequencies, maxBits));
  }

  int length(int symbol) {
    return lengths[symbol];
  }

  /** The code lengths, one a symbol; a copy. */
  int[] lengths() {
    return lengths.clone();
  }

  void write(BitWriter out, int symbol) {
    out.write(codes[symbol], lengths[symbol]);
  }

  /** Bits that {@code frequencies} cost in this code, extra bits not included. */
  long cost(int[] frequencies) {
    long bits = 0;
    for (int s = 0; s < frequencies.length; s++) {
      bits += (long) frequencies[s] * lengths[s];
    }
    return bits;
  }

  /**
   * Package-merge: a leaf list sorted by weight, and at each shallower level the leaves merged with
   * packages (pairs) of the level below. The cheapest 2n - 2 items of the top level form the
   * optimal length-limited code; a symbol's length is how many times its leaf is among the items
   * taken, counting down through the packages taken.
   */
  private static int[] limitedLengths(int[] frequencies, int maxBits) {
    int[] lengths = new int[frequencies.length];
    long[] leaves = usedSymbols(frequencies);
    int n = leaves.length;
    if (n > 1 << maxBits) {
      throw new IllegalArgumentException(n + " symbols do not fit in " + maxBits + " bits");
    }
    // Items per level: weight, and the symbol for a leaf or -1 for a package.
    long[][] weights = new long[maxBits][];
    int[][] symbols = new int[maxBits][];
    weights[maxBits - 1] = new long[n];
    symbols[maxBits - 1] = new int[n];
    for (int i = 0; i < n; i++) {
      weights[maxBits - 1][i] = leaves[i] >>> 16;
      symbols[maxBits - 1][i] = (int) (leaves[i] & 0xFFFF);
    }
    for (int level = maxBits - 2; level >= 0; level--) {
      long[] below = weights[level + 1];
      int packages = below.length / 2;
      long[] w = new long[n + packages];
      int[] s = new int[n + packages];
      int leaf = 0;
      int pack = 0;
      for (int k = 0; k < w.length; k++) {
        long packWeight = pack < packages ? below[2 * pack] + below[2 * pack + 1] : Long.MAX_VALUE;
        // On a tie the leaf goes first: any fixed rule would do, this one is zlib's habit too.
        if (leaf < n && (leaves[leaf] >>> 16) <= packWeight) {
          w[k] = leaves[leaf] >>> 16;
          s[k] = (int) (leaves[leaf] & 0xFFFF);
          leaf++;
        } else {
          w[k] = packWeight;
          s[k] = -1;
          pack++;
        }
      }
      weights[level] = w;
      symbols[level] = s;
    }
    int take = 2 * n - 2;
    for (int level = 0; level < maxBits && take > 0; level++) {
      int packagesTaken = 0;
      for (int k = 0; k < take; k++) {
        int symbol = symbols[level][k];
        if (symbol < 0) {
          packagesTaken++;
        } else {
          lengths[symbol]++;
        }
      }
      take = 2 * packagesTaken;
    }
    return lengths;
  }

  /** Used symbols as (frequency << 16 | symbol), sorted; at least two of them. */
  private static long[] usedSymbols(int[] frequencies) {
    int used = 0;
    for (int f : frequencies) {
      if (f > 0) {
        used++;
      }
    }
    long[] leaves = new long[Math.max(2, used)];
    int k = 0;
    for (int s = 0; s < frequencies.length; s++) {
      if (frequencies[s] > 0) {
        leaves[k++] = (long) frequencies[s] << 16 | s;
      }
    }
    for (int s = 0; k < leaves.length; s++) {
      if (frequencies[s] == 0) {
        leaves[k++] = s;
      }
    }
    Arrays.sort(leaves);
    return leaves;
  }

  /** RFC 1951 section 3.2.2, each code then reversed for LSB-first output. */
  private static int[] canonicalCodes(int[] lengths) {
    int maxBits = 0;
    for (int len : lengths) {
      maxBits = Math.max(maxBits, len);
    }
    int[] count = new int[maxBits + 1];
    for (int len : lengths) {
      count[len]++;
    }
    count[0] = 0;
    int[] next = new int[maxBits + 1];
    int code = 0;
    for (int bits = 1; bits <= maxBits; bits++) {
      code = (code + count[bits - 1]) << 1;
      next[bits] = code;
    }
    int[] codes = new int[lengths.length];
    for (int s = 0; s < lengths.length; s++) {
      int len = lengths[s];
      if (len != 0) {
        codes[s] = Integer.reverse(next[len]++) >>> (32 - len);
      }
    }
    return codes;
  }
}
