package io.assay.task.image;

import java.util.Arrays;

/**
 * Deflate's fixed symbol tables (RFC 1951 section 3.2.5): match lengths 3..258 as symbols
 * 257..285 plus extra bits, distances 1..32768 as symbols 0..29 plus extra bits, and the fixed
 * Huffman code of section 3.2.6.
 */
final class DeflateAlphabet {

  static final int END_OF_BLOCK = 256;
  static final int LITERAL_LENGTH_SYMBOLS = 286;
  static final int DISTANCE_SYMBOLS = 30;

  private static final int[] LENGTH_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  private static final int[] LENGTH_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3,
      3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  private static final int[] DISTANCE_BASE = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97,
      129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  private static final int[] DISTANCE_EXTRA = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7,
      7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

  /** Length symbol index (0..28) by match length; distance symbol by distance. */
  private static final byte[] LENGTH_INDEX = new byte[259];
  private static final byte[] DISTANCE_INDEX = new byte[32769];

  static {
    for (int i = 0; i < LENGTH_BASE.length; i++) {
      for (int len = LENGTH_BASE[i]; len < 259 && len < LENGTH_BASE[i] + (1 << LENGTH_EXTRA[i]);
          len++) {
        LENGTH_INDEX[len] = (byte) i;
      }
    }
    // 258 has its own symbol (285), though 284 with extra bits 31 could also reach it.
    LENGTH_INDEX[258] = 28;
    for (int i = 0; i < DISTANCE_BASE.length; i++) {
      for (int d = DISTANCE_BASE[i]; d < DISTANCE_BASE[i] + (1 << DISTANCE_EXTRA[i]); d++) {
        DISTANCE_INDEX[d] = (byte) i;
      }
    }
  }

  static final HuffmanCode FIXED_LITERALS;
  static final HuffmanCode FIXED_DISTANCES;

  static {
    int[] lit = new int[288];
    for (int s = 0; s < 288; s++) {
      lit[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    }
    FIXED_LITERALS = HuffmanCode.ofLengths(lit);
    int[] dist = new int[DISTANCE_SYMBOLS];
    Arrays.fill(dist, 5);
    FIXED_DISTANCES = HuffmanCode.ofLengths(dist);
  }

  private DeflateAlphabet() {}

  /** The literal/length symbol (257..285) of a match length. */
  static int lengthSymbol(int length) {
    return 257 + LENGTH_INDEX[length];
  }

  static int lengthExtraBits(int length) {
    return LENGTH_EXTRA[LENGTH_INDEX[length]];
  }

  static int lengthExtraValue(int length) {
    return length - LENGTH_BASE[LENGTH_INDEX[length]];
  }

  static int distanceSymbol(int distance) {
    return DISTANCE_INDEX[distance];
  }

  static int distanceExtraBits(int distance) {
    return DISTANCE_EXTRA[DISTANCE_INDEX[distance]];
  }

  static int distanceExtraValue(int distance) {
    return distance - DISTANCE_BASE[DISTANCE_INDEX[distance]];
  }
}
