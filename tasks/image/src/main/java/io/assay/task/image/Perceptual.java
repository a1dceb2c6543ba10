package io.assay.task.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Perceptual comparison of two pictures of one size: a difference hash (dHash) for the layout and
 * the mean absolute error of the pixels for everything finer.
 *
 * <p>The dHash shrinks a picture to 9x8 grey cells (box filter) and keeps one bit per pair of
 * horizontal neighbours: whether the left is darker. Pictures that look alike share nearly all 64
 * bits whatever was done to their pixels (re-encoding, slight blur, small colour shifts); two
 * unrelated pictures agree on about half. The mean absolute error, over all channels of all
 * pixels in 0-255, is 0 for the same pixels and catches what the hash cannot see: noise, blur,
 * fewer denoising steps.
 */
final class Perceptual {

  private Perceptual() {}

  /** Pixels as {@code 0xRRGGBB} ints, row by row. */
  static int[] fromRgb(byte[] rgb) {
    int[] out = new int[rgb.length / 3];
    for (int i = 0; i < out.length; i++) {
      out[i] = (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
    }
    return out;
  }

  /**
   * Decodes a whole PNG file with the JDK's decoder, in memory (no disk cache).
   *
   * @return pixels as {@code 0xRRGGBB} ints (alpha dropped), row by row
   * @throws IllegalArgumentException when it cannot be decoded or is not {@code width x height}
   */
  static int[] decodePng(byte[] png, int width, int height) {
    int[] pixels = decodeArgb(png, width, height);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] &= 0xffffff;
    }
    return pixels;
  }

  /**
   * As {@link #decodePng}, keeping alpha: {@code 0xAARRGGBB} ints, opaque for a PNG without
   * transparency.
   */
  static int[] decodeArgb(byte[] png, int width, int height) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JDK has no PNG decoder");
    }
    ImageReader reader = readers.next();
    BufferedImage image;
    try (MemoryCacheImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
      reader.setInput(in, true, true);
      image = reader.read(0);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("is not a decodable PNG file: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
    if (image.getWidth() != width || image.getHeight() != height) {
      throw new IllegalArgumentException("decodes to " + image.getWidth() + "x"
          + image.getHeight() + ", not " + width + "x" + height);
    }
    return image.getRGB(0, 0, width, height, null, 0, width);
  }

  /** The 64-bit difference hash of a {@code width x height} picture. */
  static long dHash(int[] pixels, int width, int height) {
    double[] cells = new double[9 * 8];
    for (int cy = 0; cy < 8; cy++) {
      int y0 = cy * height / 8;
      int y1 = Math.max(y0 + 1, (cy + 1) * height / 8);
      for (int cx = 0; cx < 9; cx++) {
        int x0 = cx * width / 9;
        int x1 = Math.max(x0 + 1, (cx + 1) * width / 9);
        double sum = 0;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            sum += grey(pixels[y * width + x]);
          }
        }
        cells[cy * 9 + cx] = sum / ((long) (y1 - y0) * (x1 - x0));
      }
    }
    long hash = 0;
    for (int cy = 0; cy < 8; cy++) {
      for (int cx = 0; cx < 8; cx++) {
        hash = hash << 1 | (cells[cy * 9 + cx] < cells[cy * 9 + cx + 1] ? 1 : 0);
      }
    }
    return hash;
  }

  /** Bits in which two hashes differ, 0 to 64. */
  static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /** Mean absolute difference over every channel of every pixel, 0 to 255. */
  static double meanAbsoluteError(int[] a, int[] b) {
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      int p = a[i];
      int q = b[i];
      sum += Math.abs((p >>> 16 & 0xff) - (q >>> 16 & 0xff))
          + Math.abs((p >>> 8 & 0xff) - (q >>> 8 & 0xff)) + Math.abs((p & 0xff) - (q & 0xff));
    }
    return sum / (3.0 * a.length);
  }

  private static double grey(int p) {
    return 0.299 * (p >>> 16 & 0xff) + 0.587 * (p >>> 8 & 0xff) + 0.114 * (p & 0xff);
  }
}
