package io.assay.gateway.attestation;

import java.util.Arrays;

/**
 * Reads a quote's little-endian fields in order, refusing to run past the end: every length in
 * a quote comes from the quote itself, so each read is bounded by what is actually there.
 */
final class ByteReader {

  private final byte[] data;
  private final int end;
  private int at;

  ByteReader(byte[] data) {
    this(data, 0, data.length);
  }

  private ByteReader(byte[] data, int from, int end) {
    this.data = data;
    this.at = from;
    this.end = end;
  }

  int position() {
    return at;
  }

  int remaining() {
    return end - at;
  }

  int u16() {
    need(2, "a 16-bit field");
    int v = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8;
    at += 2;
    return v;
  }

  long u32() {
    need(4, "a 32-bit field");
    long v = (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16
        | (data[at + 3] & 0xffL) << 24;
    at += 4;
    return v;
  }

  byte[] bytes(int n) {
    need(n, n + " bytes");
    byte[] out = Arrays.copyOfRange(data, at, at + n);
    at += n;
    return out;
  }

  void skip(int n) {
    need(n, n + " bytes");
    at += n;
  }

  /** A reader over the next {@code n} bytes (a length-prefixed part), advancing past them. */
  ByteReader part(long n, String what) {
    if (n < 0 || n > remaining()) {
      throw new AttestationException(Check.QUOTE_FORMAT, what + " claims " + n
          + " bytes but only " + remaining() + " remain");
    }
    ByteReader part = new ByteReader(data, at, at + (int) n);
    at += (int) n;
    return part;
  }

  private void need(int n, String what) {
    if (n > remaining()) {
      throw new AttestationException(Check.QUOTE_FORMAT, "truncated: " + what + " at offset "
          + at + " runs past the end");
    }
  }
}
