package io.assay.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A miner's answer to a {@link SessionHello}, built by {@link SessionResponder}, checked by
 * {@link Handshake#complete}.
 *
 * <p>The signature is the miner's Ed25519 signature over the UTF-8 bytes of
 * <pre>
 * "assay/session-accept/v1\n" + validator + "\n" + miner + "\n" + hello.ephemeral_key + "\n"
 *     + hello.nonce + "\n" + ephemeral_key + "\n" + session_id + "\n" + expires_at</pre>
 * It covers the hello's ephemeral key and nonce, so an accept answers exactly one hello and
 * cannot be replayed for another. An accept carrying a quote signs {@code
 * "assay/session-accept/v1+attest"} instead, with {@code "\n" + hello.attestation_nonce + "\n" +
 * hex(SHA-256(quote))} after {@code expires_at}.
 *
 * @param validator the validator's hotkey, copied from the hello
 * @param miner the miner's hotkey
 * @param ephemeralKey the miner's one-time X25519 public key (32 bytes, base64url)
 * @param sessionId 128 random bits, base64url (22 characters)
 * @param expiresAt when the miner forgets the session, epoch milliseconds
 * @param signature the Ed25519 signature (64 bytes, base64url)
 * @param quote when the hello asked for attestation and the miner runs in a TEE: its DCAP quote
 *     (base64url), whose report data binds the hello's attestation nonce, this accept's ephemeral
 *     key and the miner's hotkey ({@link AttestationBinding}); null otherwise
 */
public record SessionAccept(
    @JsonProperty("validator") String validator,
    @JsonProperty("miner") String miner,
    @JsonProperty("ephemeral_key") String ephemeralKey,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("expires_at") long expiresAt,
    @JsonProperty("signature") String signature,
    @JsonProperty("quote") @JsonInclude(JsonInclude.Include.NON_NULL) String quote) {

  /** An accept without a quote. */
  public SessionAccept(String validator, String miner, String ephemeralKey, String sessionId,
      long expiresAt, String signature) {
    this(validator, miner, ephemeralKey, sessionId, expiresAt, signature, null);
  }
}
