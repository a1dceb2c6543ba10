package io.assay.task.image;

import java.util.Arrays;

/**
 * Finds deflate's back-references: for each position, the longest earlier copy of the bytes there
 * within the last 32 KiB, found through hash chains, with one step of lazy evaluation (a match is
 * kept only if the next position does not start a longer one), as zlib does.
 *
 * <p>The search is bounded ({@value #MAX_CHAIN} links a position, and it stops at a match of
 * {@value #NICE_LENGTH}), and every choice depends only on the bytes, so the result is a fixed
 * function of the input: deterministic by construction, with no tuning left to a library build.
 *
 * <p>Matches start at {@value #MIN_LENGTH} bytes, hashed on all of them. The engine's pictures
 * carry film grain, and in filtered grain short matches are chance coincidences that cost more
 * bits as length and distance codes than the literals they replace and blur the literal
 * statistics: with 4-byte matches a 1024x1024 picture came out 8% larger than with none at all.
 * From 8 bytes on, matches pay for themselves (flat areas, pixel art), and hashing 8 bytes keeps
 * hash chains in grain nearly empty, so the search costs little where it finds nothing.
 *
 * <p>The output is a token list: a literal byte as itself (0..255), a match as
 * {@code length << 16 | distance}, which is at least {@code MIN_LENGTH << 16} and so never a literal.
 */
final class Lz77Matcher {

  static final int WINDOW = 32_768;
  static final int MIN_LENGTH = 8;
  static final int MAX_LENGTH = 258;

  private static final int MAX_CHAIN = 32;
  private static final int NICE_LENGTH = 128;
  /** A match this long is taken at once, without looking for a longer one a byte later. */
  private static final int LAZY_LIMIT = 32;
  private static final int HASH_BITS = 16;

  private final byte[] data;
  private final int[] head = new int[1 << HASH_BITS];
  /**
   * Chain links by position modulo twice the window: a link is then never overwritten while its
   * position is still within reach of a later one.
   */
  private final int[] previous = new int[2 * WINDOW];
  private int[] tokens;
  private int tokenCount;
  private int matchDistance;

  private Lz77Matcher(byte[] data) {
    this.data = data;
    Arrays.fill(head, -1);
    this.tokens = new int[Math.max(16, data.length / 2)];
  }

  static boolean isLiteral(int token) {
    return token < 256;
  }

  static int length(int token) {
    return token >>> 16;
  }

  static int distance(int token) {
    return token & 0xFFFF;
  }

  /** The tokens of {@code data}: {@code tokens()[0..count)}, see {@link Tokens}. */
  static Tokens tokenize(byte[] data) {
    Lz77Matcher m = new Lz77Matcher(data);
    m.run();
    return new Tokens(m.tokens, m.tokenCount);
  }

  /** A token list; {@code tokens} may be longer than {@code count}. */
  record Tokens(int[] tokens, int count) {}

  private void run() {
    int n = data.length;
    int pos = 0;
    int pendingLength = 0;
    int pendingDistance = 0;
    while (pos < n) {
      int h = pos + MIN_LENGTH <= n ? hash(pos) : -1;
      int length = 0;
      if (h >= 0 && pendingLength < LAZY_LIMIT) {
        length = longestMatch(pos, h, pendingLength);
      }
      int distance = matchDistance;
      if (h >= 0) {
        insert(pos, h);
      }
      if (pendingLength > 0 && length <= pendingLength) {
        add(pendingLength << 16 | pendingDistance);
        int end = pos - 1 + pendingLength;
        for (int p = pos + 1; p < end && p + MIN_LENGTH <= n; p++) {
          insert(p, hash(p));
        }
        pos = end;
        pendingLength = 0;
        continue;
      }
      if (pendingLength > 0) {
        add(data[pos - 1] & 0xFF);
      }
      if (length >= MIN_LENGTH) {
        pendingLength = length;
        pendingDistance = distance;
      } else {
        add(data[pos] & 0xFF);
        pendingLength = 0;
      }
      pos++;
    }
  }

  /**
   * The longest match at {@code pos}, whose bytes hash to {@code h}, longer than {@code atLeast},
   * or 0; its distance in {@link #matchDistance}.
   */
  private int longestMatch(int pos, int h, int atLeast) {
    int n = data.length;
    int limit = Math.min(MAX_LENGTH, n - pos);
    int best = Math.max(atLeast, MIN_LENGTH - 1);
    if (best >= limit) {
      return 0;
    }
    int bestDistance = 0;
    int candidate = head[h];
    for (int chain = MAX_CHAIN; candidate >= 0 && chain > 0; chain--) {
      int distance = pos - candidate;
      if (distance > WINDOW) {
        break;
      }
      if (data[candidate + best] == data[pos + best]) {
        int len = 0;
        while (len < limit && data[candidate + len] == data[pos + len]) {
          len++;
        }
        if (len > best) {
          best = len;
          bestDistance = distance;
          if (len >= Math.min(NICE_LENGTH, limit)) {
            break;
          }
        }
      }
      candidate = previous[candidate & (2 * WINDOW - 1)];
    }
    matchDistance = bestDistance;
    return bestDistance == 0 ? 0 : best;
  }

  private void insert(int pos, int h) {
    previous[pos & (2 * WINDOW - 1)] = head[h];
    head[h] = pos;
  }

  private int hash(int pos) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (data[pos + i] & 0xFF);
    }
    return (int) ((v * 0x9E37_79B9_7F4A_7C15L) >>> (64 - HASH_BITS));
  }

  private void add(int token) {
    if (tokenCount == tokens.length) {
      tokens = Arrays.copyOf(tokens, tokens.length * 2);
    }
    tokens[tokenCount++] = token;
  }
}
