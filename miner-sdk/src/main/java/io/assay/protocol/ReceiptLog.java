package io.assay.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The receipts a miner issued to one validator (keep one log per validator), by the scoring
 * period of each request's signed timestamp: the validator knows that timestamp too, so both
 * put every receipt in the same period, however long the answer took. Once a period is over,
 * the validator asks for its {@link #root signed root} and compares it with the receipts it
 * holds.
 *
 * <p>Keeps the newest {@code keptPeriods} periods; adding a receipt of a newer period drops the
 * older ones. Memory grows with the receipts of those periods, about 100 bytes each.
 * Thread-safe: {@link #add} takes a short lock; {@link #root} hashes outside it.
 */
public final class ReceiptLog {

  private final int keptPeriods;
  private final TreeMap<Long, List<String>> byPeriod = new TreeMap<>();

  /** @param keptPeriods how many periods, newest first, the log answers for; at least 2 */
  public ReceiptLog(int keptPeriods) {
    if (keptPeriods < 2) {
      throw new IllegalArgumentException("keptPeriods must be at least 2, was " + keptPeriods);
    }
    this.keptPeriods = keptPeriods;
  }

  /**
   * Records a receipt from {@link AuthenticatedRequest#receipt} of a request signed in
   * {@code period}.
   *
   * @throws IllegalArgumentException if it is not a receipt (32 bytes of base64url)
   */
  public void add(long period, String receipt) {
    if (!Codec.isB64(receipt, Codec.SHA256_BYTES)) {
      throw new IllegalArgumentException("not a receipt (32 bytes of base64url): " + receipt);
    }
    synchronized (byPeriod) {
      byPeriod.computeIfAbsent(period, p -> new ArrayList<>()).add(receipt);
      byPeriod.headMap(byPeriod.lastKey() - keptPeriods, true).clear();
    }
  }

  /** Receipts of {@code period} so far. */
  public int size(long period) {
    synchronized (byPeriod) {
      List<String> receipts = byPeriod.get(period);
      return receipts == null ? 0 : receipts.size();
    }
  }

  /** Whether the log still answers for {@code period}, given the current period. */
  public boolean keeps(long period, long currentPeriod) {
    return period <= currentPeriod && period > currentPeriod - keptPeriods;
  }

  /**
   * The signed root of the receipts of {@code period} so far (of none if there were none).
   * Asking again gives the same root unless receipts were added since.
   *
   * @param miner this miner's identity
   * @param validator the validator the receipts were issued to
   */
  public SignedReceiptRoot root(long period, Identity miner, Hotkey validator) {
    Objects.requireNonNull(miner, "miner");
    Objects.requireNonNull(validator, "validator");
    List<String> receipts;
    synchronized (byPeriod) {
      List<String> held = byPeriod.get(period);
      receipts = held == null ? List.of() : List.copyOf(held);
    }
    SignedReceiptRoot unsigned = new SignedReceiptRoot(miner.hotkey().value(), validator.value(),
        period, receipts.size(), SignedReceiptRoot.rootOf(receipts), null);
    return new SignedReceiptRoot(unsigned.miner(), unsigned.validator(), period,
        unsigned.count(), unsigned.root(),
        Codec.b64(miner.sign(Canonical.receiptRoot(unsigned))));
  }

  /** Periods held now, oldest first (for tests and diagnostics). */
  List<Long> periods() {
    synchronized (byPeriod) {
      return List.copyOf(byPeriod.keySet());
    }
  }
}
