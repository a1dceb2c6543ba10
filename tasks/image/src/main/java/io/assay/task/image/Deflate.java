package io.assay.task.image;

import static io.assay.task.image.DeflateAlphabet.DISTANCE_SYMBOLS;
import static io.assay.task.image.DeflateAlphabet.END_OF_BLOCK;
import static io.assay.task.image.DeflateAlphabet.LITERAL_LENGTH_SYMBOLS;

import java.util.zip.Adler32;

/**
 * A deflate (RFC 1951) compressor whose output is a fixed function of its input, so that PNG
 * bytes do not depend on the zlib a JDK happens to link.
 *
 * <p>How it works: {@link Lz77Matcher} turns the input into literals and back-references; the
 * tokens are cut into blocks of {@value #BLOCK_TOKENS}, and each block is written in whichever of
 * the three block kinds is smallest for it, costs counted exactly: stored (the raw bytes, for
 * input that does not compress), fixed Huffman (no code table to send, best for small blocks) or
 * dynamic Huffman (optimal codes for the block, sent as code lengths, themselves run-length and
 * Huffman coded). Shorter blocks would follow changing statistics (sky, then ground) more
 * closely, but a code table costs ~60-100 bytes: on the engine's pictures 64 Ki tokens came out
 * smallest of 8, 16, 32 and 64 Ki.
 *
 * <p>Integer arithmetic, no hashing of objects, no threads: deterministic by construction.
 * Stateless and thread-safe.
 */
final class Deflate {

  static final int BLOCK_TOKENS = 65_536;

  private static final int MAX_STORED = 65_535;

  private Deflate() {}

  /** {@code data} as a raw deflate stream. */
  static byte[] compress(byte[] data) {
    Lz77Matcher.Tokens tokens = Lz77Matcher.tokenize(data);
    BitWriter out = new BitWriter(data.length / 2 + 64);
    int from = 0;
    int rawFrom = 0;
    do {
      int to = Math.min(tokens.count(), from + BLOCK_TOKENS);
      int rawTo = rawFrom;
      for (int i = from; i < to; i++) {
        int t = tokens.tokens()[i];
        rawTo += Lz77Matcher.isLiteral(t) ? 1 : Lz77Matcher.length(t);
      }
      writeBlock(out, data, rawFrom, rawTo, tokens.tokens(), from, to, to == tokens.count());
      from = to;
      rawFrom = rawTo;
    } while (from < tokens.count());
    return out.toByteArray();
  }

  /** {@code data} in the zlib format (RFC 1950): header, deflate stream, Adler-32. */
  static byte[] zlib(byte[] data) {
    byte[] deflated = compress(data);
    byte[] out = new byte[deflated.length + 6];
    // CM 8 (deflate), CINFO 7 (32 KiB window); FLG: no dictionary, level "default", and
    // FCHECK making 0x789C a multiple of 31.
    out[0] = 0x78;
    out[1] = (byte) 0x9C;
    System.arraycopy(deflated, 0, out, 2, deflated.length);
    Adler32 adler = new Adler32();
    adler.update(data);
    int sum = (int) adler.getValue();
    for (int i = 0; i < 4; i++) {
      out[out.length - 4 + i] = (byte) (sum >>> (24 - 8 * i));
    }
    return out;
  }

  private static void writeBlock(BitWriter out, byte[] data, int rawFrom, int rawTo, int[] tokens,
      int from, int to, boolean last) {
    int[] litFreq = new int[LITERAL_LENGTH_SYMBOLS];
    int[] distFreq = new int[DISTANCE_SYMBOLS];
    long extraBits = 0;
    for (int i = from; i < to; i++) {
      int t = tokens[i];
      if (Lz77Matcher.isLiteral(t)) {
        litFreq[t]++;
      } else {
        int len = Lz77Matcher.length(t);
        int dist = Lz77Matcher.distance(t);
        litFreq[DeflateAlphabet.lengthSymbol(len)]++;
        distFreq[DeflateAlphabet.distanceSymbol(dist)]++;
        extraBits += DeflateAlphabet.lengthExtraBits(len) + DeflateAlphabet.distanceExtraBits(dist);
      }
    }
    litFreq[END_OF_BLOCK]++;

    HuffmanCode lit = HuffmanCode.optimal(litFreq, 15);
    HuffmanCode dist = HuffmanCode.optimal(distFreq, 15);
    DynamicHeader header = DynamicHeader.of(lit, dist);
    long dynamicBits = 3 + header.bits() + lit.cost(litFreq) + dist.cost(distFreq) + extraBits;
    long fixedBits = 3 + DeflateAlphabet.FIXED_LITERALS.cost(litFreq)
        + DeflateAlphabet.FIXED_DISTANCES.cost(distFreq) + extraBits;
    long storedBits = storedBits(out.bitCount(), rawTo - rawFrom);

    int finalBit = last ? 1 : 0;
    if (storedBits < fixedBits && storedBits < dynamicBits) {
      writeStored(out, data, rawFrom, rawTo, last);
    } else if (fixedBits <= dynamicBits) {
      out.write(finalBit | 1 << 1, 3);
      writeTokens(out, tokens, from, to, DeflateAlphabet.FIXED_LITERALS,
          DeflateAlphabet.FIXED_DISTANCES);
    } else {
      out.write(finalBit | 2 << 1, 3);
      header.write(out);
      writeTokens(out, tokens, from, to, lit, dist);
    }
  }

  /** Stored blocks hold at most 65535 bytes, so one token block may need several. */
  private static long storedBits(long position, int length) {
    int blocks = Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
    long firstPadding = (8 - (position + 3) % 8) % 8;
    return blocks * (3L + 32) + firstPadding + 5L * (blocks - 1) + 8L * length;
  }

  private static void writeStored(BitWriter out, byte[] data, int from, int to, boolean last) {
    int at = from;
    do {
      int len = Math.min(MAX_STORED, to - at);
      boolean lastPiece = last && at + len == to;
      out.write(lastPiece ? 1 : 0, 3);
      out.alignToByte();
      out.write(len, 16);
      out.write(~len & 0xFFFF, 16);
      out.writeBytes(data, at, len);
      at += len;
    } while (at < to);
  }

  private static void writeTokens(BitWriter out, int[] tokens, int from, int to, HuffmanCode lit,
      HuffmanCode dist) {
    for (int i = from; i < to; i++) {
      int t = tokens[i];
      if (Lz77Matcher.isLiteral(t)) {
        lit.write(out, t);
      } else {
        int len = Lz77Matcher.length(t);
        int d = Lz77Matcher.distance(t);
        lit.write(out, DeflateAlphabet.lengthSymbol(len));
        out.write(DeflateAlphabet.lengthExtraValue(len), DeflateAlphabet.lengthExtraBits(len));
        dist.write(out, DeflateAlphabet.distanceSymbol(d));
        out.write(DeflateAlphabet.distanceExtraValue(d), DeflateAlphabet.distanceExtraBits(d));
      }
    }
    lit.write(out, END_OF_BLOCK);
  }
}
