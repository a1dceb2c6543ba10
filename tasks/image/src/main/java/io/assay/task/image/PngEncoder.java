package io.assay.task.image;

import java.io.ByteArrayOutputStream;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * Writes 8-bit RGB pictures as PNG files whose bytes depend on the pixels alone.
 *
 * <p>{@link java.util.zip.Deflater} is not used: its output depends on the zlib build the JDK
 * links (system zlib, zlib-ng), so two honest machines could write different bytes for the same
 * picture. The compressor here is {@link Deflate}, our own; CRC-32 and Adler-32 are fixed
 * functions. Rows use the Sub filter, which suits the smooth gradients the engine draws.
 */
final class PngEncoder {

  private PngEncoder() {}

  static byte[] encode(int width, int height, byte[] rgb) {
    int stride = 3 * width;
    if (rgb.length != (long) stride * height) {
      throw new IllegalArgumentException("expected " + (long) stride * height + " RGB bytes for "
          + width + "x" + height + ", got " + rgb.length);
    }
    byte[] raw = new byte[(stride + 1) * height];
    for (int y = 0; y < height; y++) {
      int row = y * (stride + 1);
      int src = y * stride;
      raw[row] = 1;
      for (int i = 0; i < stride; i++) {
        int left = i < 3 ? 0 : rgb[src + i - 3];
        raw[row + 1 + i] = (byte) (rgb[src + i] - left);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 1024);
    out.writeBytes(PngHeader.SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8;
    ihdr[9] = 2;
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", zlib(raw));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static byte[] zlib(byte[] data) {
    byte[] deflated = Deflate.compress(data);
    byte[] out = new byte[deflated.length + 6];
    out[0] = 0x78;
    out[1] = 0x01;
    System.arraycopy(deflated, 0, out, 2, deflated.length);
    Adler32 adler = new Adler32();
    adler.update(data);
    putInt(out, out.length - 4, (int) adler.getValue());
    return out;
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
