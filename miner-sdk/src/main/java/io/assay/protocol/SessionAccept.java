package io.assay.protocol;

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
 * cannot be replayed for another.
 *
 * @param validator the validator's hotkey, copied from the hello
 * @param miner the miner's hotkey
 * @param ephemeralKey the miner's one-time X25519 public key (32 bytes, base64url)
 * @param sessionId 128 random bits, base64url (22 characters)
 * @param expiresAt when the miner forgets the session, epoch milliseconds
 * @param signature the Ed25519 signature (64 bytes, base64url)
 */
public record SessionAccept(
    @JsonProperty("validator") String validator,
    @JsonProperty("miner") String miner,
    @JsonProperty("ephemeral_key") String ephemeralKey,
    @JsonProperty("session_id") String sessionId,
    @JsonProperty("expires_at") long expiresAt,
    @JsonProperty("signature") String signature) {}
