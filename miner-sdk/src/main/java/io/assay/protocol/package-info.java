/**
 * The validator-miner protocol: identities, session handshake, per-request MACs, receipts
 * and signed receipt roots. Pure Java (BouncyCastle for Ed25519, X25519 and HKDF; the JDK for
 * SHA-256 and HMAC); the miner's HTTP server and the gateway's client call into it.
 *
 * <p>Asymmetric signatures are slow (about 0.1 ms), so they authenticate only sessions and
 * periodic commitments:
 * <ol>
 *   <li>Session: {@link io.assay.protocol.SessionInitiator} (validator) signs a
 *       {@link io.assay.protocol.SessionHello} with an ephemeral X25519 key;
 *       {@link io.assay.protocol.SessionResponder} (miner) checks it and answers a signed
 *       {@link io.assay.protocol.SessionAccept}; both derive the session key (see
 *       {@code SessionKeys}).
 *   <li>Request: {@link io.assay.protocol.Session#sign} adds an HMAC-SHA256 to each request;
 *       {@link io.assay.protocol.RequestAuthenticator} checks it, the nonce and the time.
 *   <li>Receipt: each answer carries an HMAC receipt over request and response digests; the
 *       miner seals each period's receipts in a {@link io.assay.protocol.ReceiptLog} into a
 *       signed {@link io.assay.protocol.SignedReceiptRoot}, which the validator verifies
 *       against the receipts it holds.
 * </ol>
 *
 * <p>Every signed or MACed value is a canonical byte string with a versioned
 * domain-separation prefix ({@code assay/<purpose>/v1}) and newline-separated fields; each is
 * documented on the type that carries it. Rejections are
 * {@link io.assay.protocol.ProtocolException}s whose {@link io.assay.protocol.RejectReason}
 * gives the HTTP status and error code. Time always comes from an injected
 * {@link java.time.Clock}.
 */
package io.assay.protocol;
