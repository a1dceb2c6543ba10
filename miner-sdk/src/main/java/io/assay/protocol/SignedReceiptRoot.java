package io.assay.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * A miner's signed commitment to every receipt it issued to one validator in one scoring
 * period, from {@link ReceiptLog#seal}.
 *
 * <p>{@code root} is the base64url {@link MerkleRoot} over the receipts sorted as strings
 * (ASCII order), each leaf being the ASCII bytes of one receipt. Sorting makes the root a
 * commitment to the set of receipts: concurrent answers reach the validator in another
 * order than the miner issued them, and both must arrive at the same root. The signature
 * is the miner's Ed25519 signature over the UTF-8 bytes of
 * <pre>
 * "assay/receipt-root/v1\n" + miner + "\n" + validator + "\n" + period + "\n" + count + "\n"
 *     + root</pre>
 *
 * @param miner the miner's hotkey
 * @param validator the validator's hotkey
 * @param period the scoring period number
 * @param count how many receipts the root covers
 * @param root base64url of the 32-byte Merkle root
 * @param signature base64url of the 64-byte Ed25519 signature
 */
public record SignedReceiptRoot(
    @JsonProperty("miner") String miner,
    @JsonProperty("validator") String validator,
    @JsonProperty("period") long period,
    @JsonProperty("count") int count,
    @JsonProperty("root") String root,
    @JsonProperty("signature") String signature) {

  /**
   * Validator side: whether {@code root} is {@code miner}'s genuine commitment, for
   * {@code validator} and {@code period}, to exactly the receipts the validator holds (in any
   * order). False on any mismatch or malformed field; never throws.
   */
  public static boolean verify(SignedReceiptRoot root, Hotkey miner, Hotkey validator,
      long period, List<String> receiptsHeld) {
    return root != null && receiptsHeld != null && root.period() == period
        && root.count() == receiptsHeld.size() && root.signedBy(miner, validator)
        && root.root().equals(rootOf(receiptsHeld));
  }

  /**
   * Whether this root carries {@code miner}'s genuine signature and is addressed to
   * {@code validator}, whatever receipts it covers. False on any malformed field; never throws.
   */
  public boolean signedBy(Hotkey miner, Hotkey validator) {
    if (miner == null || validator == null || !miner.value().equals(this.miner)
        || !validator.value().equals(this.validator) || root == null || signature == null
        || count < 0) {
      return false;
    }
    byte[] sig = Codec.unb64(signature, 64);
    return sig != null && Identity.verify(miner, Canonical.receiptRoot(this), sig);
  }

  /** The receipts in the order the root's leaves take: ASCII order. */
  public static List<String> leafOrder(List<String> receipts) {
    List<String> sorted = new ArrayList<>(receipts);
    sorted.sort(null);
    return sorted;
  }

  /** base64url Merkle root over the receipts in ASCII order. */
  static String rootOf(List<String> receipts) {
    List<String> sorted = leafOrder(receipts);
    List<byte[]> leaves = new ArrayList<>(sorted.size());
    for (String receipt : sorted) {
      leaves.add(Codec.utf8(receipt));
    }
    return Codec.b64(MerkleRoot.of(leaves));
  }
}
