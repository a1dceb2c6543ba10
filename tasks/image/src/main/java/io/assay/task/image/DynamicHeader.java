package io.assay.task.image;

import java.util.Arrays;

/**
 * The code tables at the start of a dynamic Huffman block (RFC 1951 section 3.2.7): the literal
 * and distance code lengths as one sequence, run-length coded with symbols 16 (repeat the previous
 * length 3-6 times), 17 (3-10 zeros) and 18 (11-138 zeros), and that sequence Huffman coded with
 * a code of at most 7-bit lengths whose own lengths are sent first, 3 bits each, in a fixed order.
 *
 * <p>Immutable once built.
 */
final class DynamicHeader {

  /** Order in which code-length code lengths are sent: the likely-unused ones last. */
  private static final int[] CODE_LENGTH_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3,
      13, 2, 14, 1, 15};

  private final int literalCount;
  private final int distanceCount;
  private final int codeLengthCount;
  /** Run-length coded lengths: symbol in the low byte, its extra-bits value above. */
  private final int[] runs;
  private final HuffmanCode codeLengthCode;

  private DynamicHeader(int literalCount, int distanceCount, int[] runs,
      HuffmanCode codeLengthCode) {
    this.literalCount = literalCount;
    this.distanceCount = distanceCount;
    this.runs = runs;
    this.codeLengthCode = codeLengthCode;
    int count = CODE_LENGTH_ORDER.length;
    while (count > 4 && codeLengthCode.length(CODE_LENGTH_ORDER[count - 1]) == 0) {
      count--;
    }
    this.codeLengthCount = count;
  }

  static DynamicHeader of(HuffmanCode literals, HuffmanCode distances) {
    int[] lit = literals.lengths();
    int[] dist = distances.lengths();
    int literalCount = usedPrefix(lit, 257);
    int distanceCount = usedPrefix(dist, 1);
    int[] all = new int[literalCount + distanceCount];
    System.arraycopy(lit, 0, all, 0, literalCount);
    System.arraycopy(dist, 0, all, literalCount, distanceCount);
    int[] runs = runLengths(all);
    int[] freq = new int[19];
    for (int r : runs) {
      freq[r & 0xFF]++;
    }
    return new DynamicHeader(literalCount, distanceCount, runs, HuffmanCode.optimal(freq, 7));
  }

  /** Size of this header in bits, after the 3-bit block header. */
  long bits() {
    long bits = 5 + 5 + 4 + 3L * codeLengthCount;
    for (int r : runs) {
      bits += codeLengthCode.length(r & 0xFF) + extraBits(r & 0xFF);
    }
    return bits;
  }

  void write(BitWriter out) {
    out.write(literalCount - 257, 5);
    out.write(distanceCount - 1, 5);
    out.write(codeLengthCount - 4, 4);
    for (int i = 0; i < codeLengthCount; i++) {
      out.write(codeLengthCode.length(CODE_LENGTH_ORDER[i]), 3);
    }
    for (int r : runs) {
      int symbol = r & 0xFF;
      codeLengthCode.write(out, symbol);
      out.write(r >>> 8, extraBits(symbol));
    }
  }

  /** How many leading lengths to send: up to the last used symbol, at least {@code minimum}. */
  private static int usedPrefix(int[] lengths, int minimum) {
    int n = lengths.length;
    while (n > minimum && lengths[n - 1] == 0) {
      n--;
    }
    return n;
  }

  private static int extraBits(int symbol) {
    return symbol == 16 ? 2 : symbol == 17 ? 3 : symbol == 18 ? 7 : 0;
  }

  /** Greedy run-length coding: the longest run symbol that fits, as zlib's send_tree does. */
  private static int[] runLengths(int[] lengths) {
    int[] runs = new int[lengths.length];
    int count = 0;
    int previous = -1;
    int i = 0;
    while (i < lengths.length) {
      int len = lengths[i];
      int run = 1;
      while (i + run < lengths.length && lengths[i + run] == len) {
        run++;
      }
      if (len == 0 && run >= 3) {
        int take = Math.min(run, 138);
        runs[count++] = take >= 11 ? 18 | (take - 11) << 8 : 17 | (take - 3) << 8;
        i += take;
      } else if (len == previous && run >= 3) {
        int take = Math.min(run, 6);
        runs[count++] = 16 | (take - 3) << 8;
        i += take;
      } else {
        runs[count++] = len;
        i++;
      }
      previous = len;
    }
    return Arrays.copyOf(runs, count);
  }
}
