package io.assay.protocol;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary SHA-256 Merkle roots: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left ||
 * right), built level by level with an odd last node promoted unchanged to the next level;
 * the root of no leaves is SHA-256 of nothing. (This is the tree of RFC 6962; the prefixes
 * keep a leaf from passing for a node.) The root depends on the order of the leaves.
 *
 * <p>A {@link #path} proves one leaf is in a tree: the siblings from the leaf up. Given the
 * leaf's index and the number of leaves, the side of each sibling, and the levels where the
 * node was promoted without one, follow from the tree's shape, so the path is only hashes.
 */
public final class MerkleRoot {

  private static final byte[] LEAF = {0x00};
  private static final byte[] NODE = {0x01};

  private MerkleRoot() {}

  /** The 32-byte root over {@code leaves}, in order. */
  public static byte[] of(List<byte[]> leaves) {
    return build(leaves, -1, null);
  }

  /**
   * The siblings of leaf {@code index} from the bottom of the tree up: with the leaf, its index
   * and the number of leaves, {@link #rootFromPath} gives the root.
   */
  public static List<byte[]> path(List<byte[]> leaves, int index) {
    if (index < 0 || index >= leaves.size()) {
      throw new IllegalArgumentException("no leaf " + index + " among " + leaves.size());
    }
    List<byte[]> siblings = new ArrayList<>();
    build(leaves, index, siblings);
    return siblings;
  }

  /**
   * The root that leaf data {@code leaf} at {@code index} of {@code count} leaves and its
   * {@code siblings} lead to; null when the path has too few or too many hashes for that shape.
   */
  public static byte[] rootFromPath(byte[] leaf, int index, int count, List<byte[]> siblings) {
    if (index < 0 || index >= count) {
      return null;
    }
    MessageDigest sha256 = Codec.newSha256();
    sha256.update(LEAF);
    byte[] node = sha256.digest(leaf);
    int used = 0;
    for (int width = count; width > 1; width = (width + 1) / 2, index /= 2) {
      boolean promoted = index % 2 == 0 && index + 1 == width;
      if (promoted) {
        continue;
      }
      if (used == siblings.size()) {
        return null;
      }
      byte[] sibling = siblings.get(used++);
      sha256.update(NODE);
      sha256.update(index % 2 == 0 ? node : sibling);
      node = sha256.digest(index % 2 == 0 ? sibling : node);
    }
    return used == siblings.size() ? node : null;
  }

  /** The root; when {@code siblings} is not null, collects the path of leaf {@code index}. */
  private static byte[] build(List<byte[]> leaves, int index, List<byte[]> siblings) {
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
      if (siblings != null) {
        int sibling = index ^ 1;
        if (sibling < width) {
          siblings.add(level[sibling]);
        }
        index /= 2;
      }
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
