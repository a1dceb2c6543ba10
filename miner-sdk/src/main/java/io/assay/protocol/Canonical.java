package io.assay.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The byte strings that signatures and MACs cover. Each starts with a versioned
 * domain-separation prefix and joins its fields with {@code '\n'}; no field can contain a
 * newline (hotkeys are Base58, binary values base64url, numbers decimal, and method and
 * path are checked), so every string parses back to one set of fields.
 */
final class Canonical {

  static final String HELLO = "assay/session-hello/v1";
  static final String ACCEPT = "assay/session-accept/v1";
  static final String SESSION_KEY = "assay/session-key/v1";
  /** Suffix of the hello and accept prefixes when the session is to be attested. */
  static final String ATTEST = "+attest";
  static final String REQUEST = "assay/request/v1";
  static final String RECEIPT = "assay/receipt/v1";
  static final String RECEIPT_ROOT = "assay/receipt-root/v1";

  private Canonical() {}

  static byte[] hello(SessionHello hello) {
    if (hello.attestationNonce() != null) {
      return join(HELLO + ATTEST, hello.validator(), hello.miner(), hello.ephemeralKey(),
          hello.nonce(), Long.toString(hello.timestamp()), hello.attestationNonce());
    }
    return join(HELLO, hello.validator(), hello.miner(), hello.ephemeralKey(), hello.nonce(),
        Long.toString(hello.timestamp()));
  }

  static byte[] accept(SessionHello hello, SessionAccept accept) {
    if (accept.quote() != null) {
      return join(ACCEPT + ATTEST, accept.validator(), accept.miner(), hello.ephemeralKey(),
          hello.nonce(), accept.ephemeralKey(), accept.sessionId(),
          Long.toString(accept.expiresAt()), String.valueOf(hello.attestationNonce()),
          Codec.hex(Codec.sha256(quoteBytes(accept))));
    }
    return join(ACCEPT, accept.validator(), accept.miner(), hello.ephemeralKey(), hello.nonce(),
        accept.ephemeralKey(), accept.sessionId(), Long.toString(accept.expiresAt()));
  }

  /** An accept's quote, or no bytes when it is not canonical base64url (then nothing verifies). */
  private static byte[] quoteBytes(SessionAccept accept) {
    byte[] quote = Codec.unb64Any(accept.quote(), AttestationBinding.MAX_QUOTE_BYTES);
    return quote == null ? new byte[0] : quote;
  }

  static byte[] sessionKeyInfo(Hotkey validator, Hotkey miner) {
    return join(SESSION_KEY, validator.value(), miner.value());
  }

  /** Method upper-cased; path is the request target as sent (path and query). */
  static byte[] request(String method, String path, String nonce, String timestamp,
      byte[] bodySha256) {
    return join(REQUEST, method, path, nonce, timestamp, Codec.hex(bodySha256));
  }

  static byte[] receipt(byte[] requestDigest, byte[] responseSha256) {
    return join(RECEIPT, Codec.hex(requestDigest), Codec.hex(responseSha256));
  }

  static byte[] receiptRoot(SignedReceiptRoot root) {
    return join(RECEIPT_ROOT, root.miner(), root.validator(), Long.toString(root.period()),
        Integer.toString(root.count()), root.root());
  }

  private static byte[] join(String prefix, String... fields) {
    int length = prefix.length();
    for (String field : fields) {
      length += 1 + field.length();
    }
    StringBuilder text = new StringBuilder(length).append(prefix);
    for (String field : fields) {
      text.append('\n').append(field);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }
}
