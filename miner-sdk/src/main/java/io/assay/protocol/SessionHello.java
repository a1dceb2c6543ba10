package io.assay.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A validator's request to open a session ({@code POST /session}), built by
 * {@link SessionInitiator}, checked by {@link SessionResponder}.
 *
 * <p>Binary values are base64url without padding; hotkeys are Base58. The signature is the
 * validator's Ed25519 signature over the UTF-8 bytes of
 * <pre>
 * "assay/session-hello/v1\n" + validator + "\n" + miner + "\n" + ephemeral_key + "\n"
 *     + nonce + "\n" + timestamp</pre>
 * with {@code timestamp} in decimal. A hello that asks for attestation signs {@code
 * "assay/session-hello/v1+attest"} instead, with {@code "\n" + attestation_nonce} after the
 * timestamp.
 *
 * @param validator the validator's hotkey
 * @param miner the hotkey of the miner it is addressed to
 * @param ephemeralKey the validator's one-time X25519 public key (32 bytes)
 * @param nonce 128 random bits (22 characters)
 * @param timestamp the validator's clock, epoch milliseconds
 * @param signature the Ed25519 signature (64 bytes)
 * @param attestationNonce for a session that must be attested (a task run in a TEE), 32 fresh
 *     random bytes the miner's quote must bind ({@link AttestationBinding}); null otherwise
 */
public record SessionHello(
    @JsonProperty("validator") String validator,
    @JsonProperty("miner") String miner,
    @JsonProperty("ephemeral_key") String ephemeralKey,
    @JsonProperty("nonce") String nonce,
    @JsonProperty("timestamp") long timestamp,
    @JsonProperty("signature") String signature,
    @JsonProperty("attestation_nonce") @JsonInclude(JsonInclude.Include.NON_NULL)
        String attestationNonce) {

  /** A hello that asks for no attestation. */
  public SessionHello(String validator, String miner, String ephemeralKey, String nonce,
      long timestamp, String signature) {
    this(validator, miner, ephemeralKey, nonce, timestamp, signature, null);
  }
}
