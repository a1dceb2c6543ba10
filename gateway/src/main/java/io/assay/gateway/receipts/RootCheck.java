package io.assay.gateway.receipts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.protocol.SignedReceiptRoot;

/**
 * How one miner's receipt root of one period compared with the receipts the validator holds.
 *
 * @param period the scoring period
 * @param miner the miner's hotkey
 * @param checkedAt epoch millis of the check
 * @param verdict matched, mismatched or missing
 * @param held how many of the miner's receipts the validator holds for the period
 * @param reason what differed, or why there is no root; null when matched
 * @param root the miner's signed root as it sent it; null when missing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RootCheck(
    @JsonProperty("period") long period,
    @JsonProperty("miner") String miner,
    @JsonProperty("checked_at") long checkedAt,
    @JsonProperty("verdict") Verdict verdict,
    @JsonProperty("held") int held,
    @JsonProperty("reason") String reason,
    @JsonProperty("root") SignedReceiptRoot root) {

  /** The outcome of a check. */
  public enum Verdict {
    /** The miner signed a root of exactly the receipts the validator holds. */
    @JsonProperty("matched") MATCHED,
    /**
     * The miner's root covers other receipts than the validator holds, or is not its genuine
     * signature for this validator and period. Answers still running when the root was asked
     * for, or cut just as the miner finished them, can explain a difference of a few.
     */
    @JsonProperty("mismatched") MISMATCHED,
    /** The miner gave no root: unreachable, an error, or not a root. */
    @JsonProperty("missing") MISSING
  }
}
