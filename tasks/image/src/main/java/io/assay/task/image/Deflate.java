package io.assay.task.image;

import java.io.ByteArrayOutputStream;

/**
 * A deflate (RFC 1951) compressor whose output is a fixed function of its input, so that PNG
 * bytes do not depend on the zlib a JDK happens to link.
 *
 * <p>This version writes stored blocks: no compression, trivially deterministic, and the engine's
 * grain would leave a Huffman coder little to gain (perhaps a third). A 512x512 picture is 787 KB.
 */
final class Deflate {

  private static final int MAX_STORED = 65_535;

  private Deflate() {}

  static byte[] compress(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 8000 + 8);
    int at = 0;
    do {
      int len = Math.min(MAX_STORED, data.length - at);
      boolean last = at + len == data.length;
      out.write(last ? 1 : 0);
      out.write(len & 0xff);
      out.write(len >>> 8);
      out.write(~len & 0xff);
      out.write((~len >>> 8) & 0xff);
      out.write(data, at, len);
      at += len;
    } while (at < data.length);
    return out.toByteArray();
  }
}
