package io.assay.task.image;

import java.util.Arrays;

/**
 * PNG row filtering (PNG specification section 9): each row is sent as the difference from a
 * prediction, None, Sub (left), Up (above), Average or Paeth, chosen per row by the usual
 * heuristic of libpng and the specification's advice: the filter whose output, read as signed
 * bytes, has the smallest sum of absolute values. Small residuals cluster near zero, which the
 * Huffman coder then codes in few bits.
 *
 * <p>Integer arithmetic and a fixed tie rule (the lower filter type wins), so deterministic.
 */
final class PngFilter {

  static final int NONE = 0;
  static final int SUB = 1;
  static final int UP = 2;
  static final int AVERAGE = 3;
  static final int PAETH = 4;

  private PngFilter() {}

  /**
   * The filtered image data: for each row a filter-type byte and the filtered row.
   *
   * @param pixels rows of {@code stride} bytes, {@code bpp} bytes a pixel
   */
  static byte[] filter(byte[] pixels, int stride, int height, int bpp) {
    byte[] out = new byte[(stride + 1) * height];
    long[] sums = new long[PAETH + 1];
    for (int y = 0; y < height; y++) {
      int row = y * stride;
      int above = y == 0 ? -1 : row - stride;
      Arrays.fill(sums, 0);
      // One pass scores all five filters: the neighbours are read once, not five times.
      for (int i = 0; i < stride; i++) {
        int x = pixels[row + i] & 0xFF;
        int a = left(pixels, row, i, bpp);
        int b = above < 0 ? 0 : pixels[above + i] & 0xFF;
        int c = above < 0 ? 0 : left(pixels, above, i, bpp);
        sums[NONE] += Math.abs((byte) x);
        sums[SUB] += Math.abs((byte) (x - a));
        sums[UP] += Math.abs((byte) (x - b));
        sums[AVERAGE] += Math.abs((byte) (x - ((a + b) >>> 1)));
        sums[PAETH] += Math.abs((byte) (x - paeth(a, b, c)));
      }
      int best = NONE;
      for (int type = SUB; type <= PAETH; type++) {
        if (sums[type] < sums[best]) {
          best = type;
        }
      }
      int at = y * (stride + 1);
      out[at] = (byte) best;
      for (int i = 0; i < stride; i++) {
        int x = pixels[row + i] & 0xFF;
        int a = left(pixels, row, i, bpp);
        int b = above < 0 ? 0 : pixels[above + i] & 0xFF;
        int c = above < 0 ? 0 : left(pixels, above, i, bpp);
        int prediction = switch (best) {
          case NONE -> 0;
          case SUB -> a;
          case UP -> b;
          case AVERAGE -> (a + b) >>> 1;
          default -> paeth(a, b, c);
        };
        out[at + 1 + i] = (byte) (x - prediction);
      }
    }
    return out;
  }

  /** The byte one pixel to the left in the same row, 0 before the first pixel. */
  private static int left(byte[] p, int row, int i, int bpp) {
    return i >= bpp ? p[row + i - bpp] & 0xFF : 0;
  }

  /** The neighbour closest to {@code a + b - c}; ties in the order a, b, c. */
  static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
}
