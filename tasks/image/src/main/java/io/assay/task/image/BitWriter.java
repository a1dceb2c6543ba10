package io.assay.task.image;

import java.util.Arrays;

/**
 * Collects a deflate bit stream: values are packed least significant bit first into bytes, as
 * RFC 1951 section 3.1.1 orders them. Huffman codes, which deflate sends most significant bit
 * first, are stored bit-reversed by {@link HuffmanCode} so that every write here is the same
 * LSB-first append.
 *
 * <p>Not thread-safe; one writer per compression.
 */
final class BitWriter {

  private byte[] bytes;
  private int size;
  /** Pending bits, the oldest in bit 0; fewer than 8 between calls. */
  private long pending;
  private int pendingCount;

  BitWriter(int expectedBytes) {
    bytes = new byte[Math.max(16, expectedBytes)];
  }

  /** Appends the low {@code count} bits of {@code value}, {@code 0 <= count <= 32}. */
  void write(int value, int count) {
    pending |= (value & 0xFFFF_FFFFL & ((1L << count) - 1)) << pendingCount;
    pendingCount += count;
    while (pendingCount >= 8) {
      put((byte) pending);
      pending >>>= 8;
      pendingCount -= 8;
    }
  }

  /** Pads with zero bits up to the next byte boundary, as a stored block's header requires. */
  void alignToByte() {
    if (pendingCount > 0) {
      put((byte) pending);
      pending = 0;
      pendingCount = 0;
    }
  }

  /** Appends whole bytes; only on a byte boundary. */
  void writeBytes(byte[] data, int offset, int length) {
    if (pendingCount != 0) {
      throw new IllegalStateException("not on a byte boundary");
    }
    ensure(length);
    System.arraycopy(data, offset, bytes, size, length);
    size += length;
  }

  /** Bits written so far, including the pending ones. */
  long bitCount() {
    return 8L * size + pendingCount;
  }

  /** The stream, its last byte zero-padded. */
  byte[] toByteArray() {
    alignToByte();
    return Arrays.copyOf(bytes, size);
  }

  private void put(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
    }
  }
}
