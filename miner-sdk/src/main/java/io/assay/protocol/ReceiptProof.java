package io.assay.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * Proof that one answer came from a miner: its receipt, the Merkle path from the receipt to a
 * {@link SignedReceiptRoot}, and that root with the miner's signature. Anyone holding the
 * miner's and the validator's hotkeys can check it; nothing else is needed.
 *
 * @param receipt the answer's receipt (base64url)
 * @param index the receipt's place among the root's leaves (its receipts in ASCII order)
 * @param path base64url sibling hashes from the leaf up ({@link MerkleRoot#path})
 * @param root the miner's signed root of the period
 */
public record ReceiptProof(
    @JsonProperty("receipt") String receipt,
    @JsonProperty("index") int index,
    @JsonProperty("path") List<String> path,
    @JsonProperty("root") SignedReceiptRoot root) {

  /**
   * The proof for {@code receipt} under {@code root}, which must be the root of exactly
   * {@code receipts} (in any order).
   *
   * @throws IllegalArgumentException if {@code receipt} is not among {@code receipts}
   */
  public static ReceiptProof of(SignedReceiptRoot root, List<String> receipts, String receipt) {
    List<String> sorted = SignedReceiptRoot.leafOrder(receipts);
    int index = java.util.Collections.binarySearch(sorted, receipt);
    if (index < 0) {
      throw new IllegalArgumentException("receipt " + receipt + " is not among the "
          + receipts.size() + " receipts of the root");
    }
    List<byte[]> leaves = new ArrayList<>(sorted.size());
    for (String r : sorted) {
      leaves.add(Codec.utf8(r));
    }
    List<String> path = new ArrayList<>();
    for (byte[] sibling : MerkleRoot.path(leaves, index)) {
      path.add(Codec.b64(sibling));
    }
    return new ReceiptProof(receipt, index, path, root);
  }

  /**
   * Whether the path leads from the receipt to the root, and the root is {@code miner}'s,
   * signed for {@code validator}. False on any malformed field; never throws.
   */
  public boolean verify(Hotkey miner, Hotkey validator) {
    if (receipt == null || path == null || root == null || root.root() == null
        || !root.signedBy(miner, validator)) {
      return false;
    }
    List<byte[]> siblings = new ArrayList<>(path.size());
    for (String hash : path) {
      byte[] sibling = hash == null ? null : Codec.unb64(hash, Codec.SHA256_BYTES);
      if (sibling == null) {
        return false;
      }
      siblings.add(sibling);
    }
    byte[] computed = MerkleRoot.rootFromPath(Codec.utf8(receipt), index, root.count(), siblings);
    return computed != null && Codec.b64(computed).equals(root.root());
  }
}
