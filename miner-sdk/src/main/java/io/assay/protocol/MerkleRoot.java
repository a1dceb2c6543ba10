package io.assay.protocol;

import java.security.MessageDigest;
import java.util.List;

/**
 * Binary SHA-256 Merkle roots: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left ||
 * right), built level by level with an odd last node promoted unchanged to the next level;
 * the root of no leaves is SHA-256 of nothing. (This is the tree of RFC 6962; the prefixes
 * keep a leaf from passing for a node.) The root depends on the order of the leaves.
 */
public final class MerkleRoot {

  private static final byte[] LEAF = {0x00};
  private static final byte[] NODE = {0x01};

  private MerkleRoot() {}

  /** The 32-byte root over {@code leaves}, in order. */
  public static byte[] of(List<byte[]> leaves) {
    MessageDigest sha256 = Codec.newSha256();
    if (leaves.isEmpty()) {
      return sha256.digest();
    }
    byte[][] level = new byte[leaves.size()][];
    for (int i = 0; i < level.length; i++) {
      sha256.update(LEAF);
      level[i] = sha256.digest(leaves.get(i));
    }
    int width = level.length;
    while (width > 1) {
      int next = 0;
      for (int i = 0; i + 1 < width; i += 2) {
        sha256.update(NODE);
        sha256.update(level[i]);
        level[next++] = sha256.digest(level[i + 1]);
      }
      if (width % 2 == 1) {
        level[next++] = level[width - 1];
      }
      width = next;
    }
    return level[0];
  }
}
