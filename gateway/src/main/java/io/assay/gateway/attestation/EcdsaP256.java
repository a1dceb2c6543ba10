package io.assay.gateway.attestation;

import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;

/**
 * ECDSA P-256 with SHA-256 as DCAP uses it: keys and signatures raw (x || y, r || s, 32 bytes
 * each), where JCA wants an encoded key and a DER signature. Verification goes through the
 * platform's {@code SHA256withECDSA}.
 */
final class EcdsaP256 {

  private EcdsaP256() {}

  /** Whether {@code signature} (r || s) is {@code key}'s over {@code data}; never throws. */
  static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
    if (signature.length != 64) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(der(signature));
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      return false; // a malformed key or signature verifies nothing
    }
  }

  /**
   * The P-256 public key of raw x || y.
   *
   * @throws GeneralSecurityException when the point is not on the curve
   */
  static PublicKey publicKey(byte[] xy) throws GeneralSecurityException {
    if (xy.length != 64) {
      throw new GeneralSecurityException("a P-256 key is 64 bytes, not " + xy.length);
    }
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec curve = parameters.getParameterSpec(ECParameterSpec.class);
    ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(xy, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(xy, 32, 64)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, curve));
  }

  private static byte[] der(byte[] rs) throws IOException {
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64));
    return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)})
        .getEncoded();
  }
}
