package io.assay.task.image;

import java.util.zip.CRC32;

/**
 * Reads what a PNG file says about itself without decoding its pixels: the signature, the {@code
 * IHDR} chunk (with its CRC) and the {@code IEND} chunk that must close the file. Cheap (a few
 * dozen bytes are looked at), so it is safe on an event loop.
 *
 * @param width pixels across
 * @param height pixels down
 */
record PngHeader(int width, int height) {

  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
      (byte) 0xae, 0x42, 0x60, (byte) 0x82};

  /**
   * @return the header of {@code png}
   * @throws IllegalArgumentException saying what is wrong when {@code png} is not a complete PNG
   *     file with a valid header
   */
  static PngHeader read(byte[] png) {
    if (png.length < SIGNATURE.length + 25 + IEND.length) {
      throw new IllegalArgumentException("is not a PNG file: only " + png.length + " bytes");
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (png[i] != SIGNATURE[i]) {
        throw new IllegalArgumentException("is not a PNG file: wrong signature");
      }
    }
    if (readInt(png, 8) != 13 || png[12] != 'I' || png[13] != 'H' || png[14] != 'D'
        || png[15] != 'R') {
      throw new IllegalArgumentException("is not a PNG file: it does not start with IHDR");
    }
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    if ((int) crc.getValue() != readInt(png, 29)) {
      throw new IllegalArgumentException("is a corrupt PNG file: bad IHDR checksum");
    }
    int width = readInt(png, 16);
    int height = readInt(png, 20);
    int depth = png[24];
    int colour = png[25];
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("is a PNG file of impossible size " + width + "x"
          + height);
    }
    boolean validDepth = switch (colour) {
      case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
      case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
      case 2, 4, 6 -> depth == 8 || depth == 16;
      default -> false;
    };
    if (!validDepth || png[26] != 0 || png[27] != 0 || (png[28] & 0xff) > 1) {
      throw new IllegalArgumentException("is a PNG file with an invalid IHDR (colour type "
          + colour + ", bit depth " + depth + ")");
    }
    for (int i = 0; i < IEND.length; i++) {
      if (png[png.length - IEND.length + i] != IEND[i]) {
        throw new IllegalArgumentException("is a truncated PNG file: it does not end with IEND");
      }
    }
    return new PngHeader(width, height);
  }

  /**
   * Whether {@code png} (a file {@link #read} accepted) is plain 8-bit {@code colourType} (2 RGB,
   * 6 RGBA), not interlaced, with no chunk but {@code IHDR}, {@code IDAT} and {@code IEND}: no
   * palette, gamma or colour profile that a decoder might apply, so every decoder reads the same
   * samples from it.
   */
  static boolean isPlain(byte[] png, int colourType) {
    if (png[24] != 8 || png[25] != colourType || png[28] != 0) {
      return false;
    }
    int at = SIGNATURE.length;
    while (at + 12 <= png.length) {
      long length = readInt(png, at) & 0xffffffffL;
      String type = new String(png, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
      if (!type.equals("IHDR") && !type.equals("IDAT") && !type.equals("IEND")) {
        return false;
      }
      if (type.equals("IEND")) {
        return at + 12 == png.length;
      }
      if (length > png.length - at - 12) {
        return false; // a chunk running past the file's end: not a file to keep as it is
      }
      at += 12 + (int) length;
    }
    return false;
  }

  private static int readInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8
        | (b[at + 3] & 0xff);
  }
}
