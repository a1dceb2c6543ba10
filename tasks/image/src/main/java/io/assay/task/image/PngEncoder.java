package io.assay.task.image;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;

/**
 * Writes 8-bit RGB (and RGBA) pictures as PNG files whose bytes depend on the pixels alone.
 *
 * <p>{@link java.util.zip.Deflater} is not used: its output depends on the zlib build the JDK
 * links (system zlib, zlib-ng), so two honest machines could write different bytes for the same
 * picture. The compressor here is {@link Deflate}, our own; CRC-32 and Adler-32 are fixed
 * functions. Rows are filtered by {@link PngFilter}, each with the filter that suits it best.
 */
final class PngEncoder {

  private PngEncoder() {}

  static byte[] encode(int width, int height, byte[] rgb) {
    return encode(width, height, rgb, 3);
  }

  /**
   * @param pixels rows of 8-bit samples: RGB ({@code channels} 3, PNG colour type 2) or RGBA
   *     ({@code channels} 4, colour type 6)
   */
  static byte[] encode(int width, int height, byte[] pixels, int channels) {
    if (channels != 3 && channels != 4) {
      throw new IllegalArgumentException("channels must be 3 (RGB) or 4 (RGBA), was " + channels);
    }
    int stride = channels * width;
    if (pixels.length != (long) stride * height) {
      throw new IllegalArgumentException("expected " + (long) stride * height + " bytes for "
          + width + "x" + height + " with " + channels + " channels, got " + pixels.length);
    }
    byte[] filtered = PngFilter.filter(pixels, stride, height, channels);
    ByteArrayOutputStream out = new ByteArrayOutputStream(filtered.length / 2 + 1024);
    out.writeBytes(PngHeader.SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8;
    ihdr[9] = (byte) (channels == 3 ? 2 : 6);
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", Deflate.zlib(filtered));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] head = new byte[8];
    putInt(head, 0, data.length);
    for (int i = 0; i < 4; i++) {
      head[4 + i] = (byte) type.charAt(i);
    }
    CRC32 crc = new CRC32();
    crc.update(head, 4, 4);
    crc.update(data);
    byte[] tail = new byte[4];
    putInt(tail, 0, (int) crc.getValue());
    out.writeBytes(head);
    out.writeBytes(data);
    out.writeBytes(tail);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
