package io.assay.protocol;

import java.util.Optional;

/**
 * Why a miner refused a session hello or a request, with the HTTP status it answers and
 * the snake_case code its JSON error names. A validator seeing {@link #UNKNOWN_SESSION} or
 * {@link #EXPIRED_SESSION} opens a new session and retries.
 */
public enum RejectReason {
  BAD_SIGNATURE(401, "bad_signature"),
  STALE_TIMESTAMP(401, "stale_timestamp"),
  REPLAYED_NONCE(401, "replayed_nonce"),
  WRONG_RECEIVER(403, "wrong_receiver"),
  UNKNOWN_VALIDATOR(403, "unknown_validator"),
  UNKNOWN_SESSION(401, "unknown_session"),
  EXPIRED_SESSION(401, "expired_session"),
  BAD_MAC(401, "bad_mac"),
  MALFORMED(400, "malformed");

  private final int status;
  private final String code;

  RejectReason(int status, String code) {
    this.status = status;
    this.code = code;
  }

  /** The HTTP status a miner answers with. */
  public int status() {
    return status;
  }

  /** The snake_case code of the JSON error, e.g. {@code bad_mac}. */
  public String code() {
    return code;
  }

  /** The reason with this code, empty for an unknown code (e.g. from a newer miner). */
  public static Optional<RejectReason> ofCode(String code) {
    for (RejectReason reason : values()) {
      if (reason.code.equals(code)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }
}
