package io.assay.task.image;

/**
 * A picture's size in pixels, written {@code WxH} on the wire as OpenAI's {@code size} is.
 *
 * @param width pixels across, at least 1
 * @param height pixels down, at least 1
 */
public record ImageSize(int width, int height) {

  /** Largest side accepted by {@link #parse}; sizes actually served are a task's limit. */
  static final int MAX_SIDE = 8192;

  public ImageSize {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("size must be positive, was " + width + "x" + height);
    }
  }

  /**
   * Reads {@code "512x512"}.
   *
   * @return the size, or null when {@code text} is not two positive integers of at most
   *     {@value #MAX_SIDE} joined by {@code x}
   */
  static ImageSize parse(String text) {
    int x = text.indexOf('x');
    if (x < 1 || x == text.length() - 1 || x > 5 || text.length() - x - 1 > 5) {
      return null;
    }
    int w = digits(text, 0, x);
    int h = digits(text, x + 1, text.length());
    return w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE ? null : new ImageSize(w, h);
  }

  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Pixels in one picture of this size. */
  public long pixels() {
    return (long) width * height;
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}
