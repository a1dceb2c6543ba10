package io.assay.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The receipts a miner issued to one validator since the last seal (keep one log per
 * validator). Each answer's receipt is {@link #add added}; once per scoring period
 * {@link #seal} signs their Merkle root and starts the next period empty.
 *
 * <p>Memory grows with the receipts of one period, about 100 bytes each. Thread-safe:
 * {@link #add} takes a short lock; {@link #seal} hashes outside it.
 */
public final class ReceiptLog {

  private final Object lock = new Object();
  private List<String> receipts = new ArrayList<>();

  /**
   * Records a receipt from {@link AuthenticatedRequest#receipt}.
   *
   * @throws IllegalArgumentException if it is not a receipt (32 bytes of base64url)
   */
  public void add(String receipt) {
    if (!Codec.isB64(receipt, Codec.SHA256_BYTES)) {
      throw new IllegalArgumentException("not a receipt (32 bytes of base64url): " + receipt);
    }
    synchronized (lock) {
      receipts.add(receipt);
    }
  }

  /** Receipts added since the last seal. */
  public int size() {
    synchronized (lock) {
      return receipts.size();
    }
  }

  /**
   * Takes the receipts added since the last seal and signs their root. Receipts added while
   * sealing go to the next period.
   *
   * @param period the scoring period these receipts belong to
   * @param miner this miner's identity
   * @param validator the validator the receipts were issued to
   */
  public SignedReceiptRoot seal(long period, Identity miner, Hotkey validator) {
    Objects.requireNonNull(miner, "miner");
    Objects.requireNonNull(validator, "validator");
    List<String> sealed;
    synchronized (lock) {
      sealed = receipts;
      receipts = new ArrayList<>();
    }
    SignedReceiptRoot unsigned = new SignedReceiptRoot(miner.hotkey().value(), validator.value(),
        period, sealed.size(), SignedReceiptRoot.rootOf(sealed), null);
    return new SignedReceiptRoot(unsigned.miner(), unsigned.validator(), period,
        unsigned.count(), unsigned.root(),
        Codec.b64(miner.sign(Canonical.receiptRoot(unsigned))));
  }
}
