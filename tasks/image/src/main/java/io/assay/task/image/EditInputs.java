package io.assay.task.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * What an image edit starts from: its pictures, the mask of the area to redraw, and how far to
 * move from them.
 *
 * <p>Pictures and mask are kept in a canonical form the gateway makes once from what the user
 * sent ({@link EditRequestParser}): plain 8-bit RGB pictures and a plain RGBA mask that is black
 * and either fully transparent (redraw) or opaque (keep), with no chunk a decoder could read two
 * ways. A file already in that form is kept as sent; any other is written anew by {@link
 * PngEncoder}. Miners, upstream servers and the checker receive these bytes, so every one of
 * them decodes the same pixels whatever the user's file held (16-bit samples, a palette, grey,
 * gamma, interlacing), and parsing them again keeps them byte for byte.
 *
 * @param images one or more pictures of one size; an edit starts from their mean, and keeps the
 *     first one's pixels outside the mask
 * @param mask the area to redraw, or null to let the whole picture change
 * @param strength how far to move from the pictures, above 0 and at most 1
 */
public record EditInputs(List<Picture> images, Mask mask, double strength) {

  /** The strength of an edit that names none. */
  static final double DEFAULT_STRENGTH = 0.6;

  public EditInputs {
    images = List.copyOf(images);
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an edit needs at least one picture");
    }
    if (!(strength >= 0 && strength <= 1)) {
      throw new IllegalArgumentException("strength must be from 0 to 1, was " + strength);
    }
    Picture first = images.get(0);
    for (Picture p : images) {
      if (p.width() != first.width() || p.height() != first.height()) {
        throw new IllegalArgumentException("the pictures of an edit must have one size");
      }
    }
    if (mask != null && (mask.width() != first.width() || mask.height() != first.height())) {
      throw new IllegalArgumentException("the mask must have the pictures' size");
    }
  }

  /** The pictures' size, which is also the answer's. */
  ImageSize size() {
    return new ImageSize(images.get(0).width(), images.get(0).height());
  }

  /** These inputs without their mask: the whole picture may change. */
  public EditInputs withoutMask() {
    return new EditInputs(images, null, strength);
  }

  /** These inputs with another strength. */
  EditInputs withStrength(double value) {
    return new EditInputs(images, mask, value);
  }

  /**
   * The denoising steps an edit of {@code steps} runs: {@code round(strength * steps)}, at least
   * one. Work is counted on these.
   */
  int stepsRun(int steps) {
    return (int) Math.max(1, Math.round(strength * steps));
  }

  /**
   * A PNG file of an edit in canonical form, with its size and its SHA-256 (computed once: the
   * miner body's boundary is made from it). Equal when the bytes are.
   */
  abstract static sealed class CanonicalPng permits Picture, Mask {
    private final int width;
    private final int height;
    private final byte[] png;
    private final byte[] sha256;

    CanonicalPng(int width, int height, byte[] png) {
      this.width = width;
      this.height = height;
      this.png = png;
      this.sha256 = newSha256().digest(png);
    }

    int width() {
      return width;
    }

    int height() {
      return height;
    }

    /** The file, shared: callers do not change it. */
    byte[] png() {
      return png;
    }

    byte[] sha256() {
      return sha256;
    }

    @Override
    public boolean equals(Object o) {
      return o != null && o.getClass() == getClass()
          && Arrays.equals(sha256, ((CanonicalPng) o).sha256)
          && Arrays.equals(png, ((CanonicalPng) o).png);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
      return getClass().getSimpleName() + "[" + width + "x" + height + ", " + png.length
          + " bytes]";
    }
  }

  /** A picture in canonical form: its 8-bit RGB samples and a plain RGB PNG of them. */
  public static final class Picture extends CanonicalPng {
    private final byte[] rgb;

    private Picture(int width, int height, byte[] rgb, byte[] png) {
      super(width, height, png);
      this.rgb = rgb;
    }

    /** The picture of these RGB samples, 3 bytes a pixel, row by row. */
    static Picture ofRgb(int width, int height, byte[] rgb) {
      return new Picture(width, height, rgb, PngEncoder.encode(width, height, rgb));
    }

    /**
     * The picture of {@code png}, a plain 8-bit RGB file ({@link PngHeader#isPlain}) whose
     * samples are {@code rgb}: kept as it is, since every decoder reads these samples from it.
     */
    static Picture ofPlainPng(int width, int height, byte[] rgb, byte[] png) {
      return new Picture(width, height, rgb, png);
    }

    /** The samples, shared: callers do not change them. */
    byte[] rgb() {
      return rgb;
    }
  }

  /**
   * A mask in canonical form: which pixels to redraw, and the PNG that says so (fully transparent
   * pixels are redrawn, as OpenAI's masks say).
   */
  public static final class Mask extends CanonicalPng {
    private final boolean[] redraw;

    private Mask(int width, int height, boolean[] redraw, byte[] png) {
      super(width, height, png);
      this.redraw = redraw;
    }

    /**
     * The mask of {@code png}, already in canonical form: a plain 8-bit RGBA file ({@link
     * PngHeader#isPlain}), black, each pixel fully transparent or opaque, redrawing {@code
     * redraw}. Kept as it is.
     */
    static Mask ofCanonicalPng(int width, int height, boolean[] redraw, byte[] png) {
      return new Mask(width, height, redraw, png);
    }

    /** The mask redrawing the pixels set in {@code redraw}, row by row. */
    static Mask of(int width, int height, boolean[] redraw) {
      byte[] rgba = new byte[4 * redraw.length];
      for (int i = 0; i < redraw.length; i++) {
        rgba[4 * i + 3] = (byte) (redraw[i] ? 0 : 255);
      }
      return new Mask(width, height, redraw, PngEncoder.encode(width, height, rgba, 4));
    }

    /** Whether pixel {@code i} (row by row) is redrawn. */
    boolean redraws(int i) {
      return redraw[i];
    }

    /** How many pixels are redrawn. */
    int redrawn() {
      int count = 0;
      for (boolean r : redraw) {
        count += r ? 1 : 0;
      }
      return count;
    }

    @Override
    public String toString() {
      return "Mask[" + width() + "x" + height() + ", " + redrawn() + " pixels redrawn]";
    }
  }

  /**
   * The inputs' identity for seeding the engine's noise: hex SHA-256 over the pictures' samples
   * and the mask's pixels, so the same pixels draw the same edit however their PNGs were written.
   */
  String key() {
    MessageDigest sha = newSha256();
    for (Picture p : images) {
      sha.update(p.rgb());
    }
    if (mask != null) {
      byte[] bits = new byte[mask.width() * mask.height()];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = (byte) (mask.redraws(i) ? 1 : 0);
      }
      sha.update(bits);
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  /** Feeds the pictures' and the mask's digests, in order, to {@code sha}. */
  void digestInto(MessageDigest sha) {
    for (Picture p : images) {
      sha.update(p.sha256());
    }
    sha.update(mask == null ? new byte[] {0} : mask.sha256());
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

}
