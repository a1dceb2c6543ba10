package io.assay.protocol;

import java.util.Arrays;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * Session key derivation. Both sides compute
 * <pre>
 * key = HKDF-SHA256(ikm  = X25519(own ephemeral private, peer ephemeral public),
 *                   salt = UTF-8 bytes of the session id,
 *                   info = "assay/session-key/v1\n" + validator hotkey + "\n" + miner hotkey,
 *                   length = 32)</pre>
 * so the key is bound to both identities and to this one session.
 */
final class SessionKeys {

  static final int KEY_BYTES = 32;
  static final int PUBLIC_KEY_BYTES = X25519PublicKeyParameters.KEY_SIZE;

  private SessionKeys() {}

  static X25519PrivateKeyParameters newEphemeral() {
    return new X25519PrivateKeyParameters(Codec.secureRandom());
  }

  static String publicKey(X25519PrivateKeyParameters ephemeral) {
    return Codec.b64(ephemeral.generatePublicKey().getEncoded());
  }

  /**
   * The 32-byte session key.
   *
   * @throws ProtocolException {@link RejectReason#MALFORMED} if the peer's key is a low-order
   *     point (the shared secret would be all zeros)
   */
  static byte[] derive(X25519PrivateKeyParameters own, byte[] peerPublicKey, String sessionId,
      Hotkey validator, Hotkey miner) {
    byte[] shared = new byte[X25519PrivateKeyParameters.SECRET_SIZE];
    try {
      X25519Agreement agreement = new X25519Agreement();
      agreement.init(own);
      agreement.calculateAgreement(new X25519PublicKeyParameters(peerPublicKey, 0), shared, 0);
    } catch (IllegalStateException lowOrderPoint) {
      throw new ProtocolException(RejectReason.MALFORMED,
          "ephemeral_key is not usable for X25519 (low-order point)");
    }
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(shared, Codec.utf8(sessionId),
        Canonical.sessionKeyInfo(validator, miner)));
    byte[] key = new byte[KEY_BYTES];
    hkdf.generateBytes(key, 0, KEY_BYTES);
    Arrays.fill(shared, (byte) 0);
    return key;
  }
}
