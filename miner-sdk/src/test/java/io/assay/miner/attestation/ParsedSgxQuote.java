package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.List;

/**
 * An SGX quote v3 taken apart by its length fields alone, written independently of the
 * production writer, so the same reader checks the public dcap-rs quote and ours.
 */
record ParsedSgxQuote(
    byte[] raw,
    int version,
    int attestationKeyType,
    int teeType,
    int qeSvn,
    int pceSvn,
    byte[] qeVendorId,
    byte[] userData,
    byte[] isvReport,
    int signatureDataLength,
    byte[] isvSignature,
    byte[] attestationKey,
    byte[] qeReport,
    byte[] qeReportSignature,
    byte[] qeAuthData,
    int certificationDataType,
    byte[] certificationData) {

  static ParsedSgxQuote parse(byte[] raw) {
    ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    int version = u16(in);
    int keyType = u16(in);
    int teeType = in.getInt();
    int qeSvn = u16(in);
    int pceSvn = u16(in);
    byte[] vendor = take(in, 16);
    byte[] userData = take(in, 20);
    byte[] isvReport = take(in, 384);
    int signatureDataLength = in.getInt();
    int signatureDataStart = in.position();
    byte[] isvSignature = take(in, 64);
    byte[] attestationKey = take(in, 64);
    byte[] qeReport = take(in, 384);
    byte[] qeReportSignature = take(in, 64);
    byte[] qeAuthData = take(in, u16(in));
    int certType = u16(in);
    byte[] certData = take(in, in.getInt());
    if (in.position() != signatureDataStart + signatureDataLength || in.hasRemaining()) {
      throw new IllegalArgumentException("length fields do not add up to the quote's size");
    }
    return new ParsedSgxQuote(
        raw, version, keyType, teeType, qeSvn, pceSvn, vendor, userData, isvReport,
        signatureDataLength, isvSignature, attestationKey, qeReport, qeReportSignature,
        qeAuthData, certType, certData);
  }

  byte[] signedPart() {
    return Arrays.copyOf(raw, 48 + 384);
  }

  static byte[] reportData(byte[] reportBody) {
    return Arrays.copyOfRange(reportBody, 320, 384);
  }

  /** Offset of the certification data in the quote. */
  int certificationDataOffset() {
    return 48 + 384 + 4 + 64 + 64 + 384 + 64 + 2 + qeAuthData.length + 2 + 4;
  }

  List<X509Certificate> pemChain() throws GeneralSecurityException {
    String text = new String(certificationData, US_ASCII);
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    return factory.generateCertificates(new ByteArrayInputStream(text.getBytes(US_ASCII))).stream()
        .map(X509Certificate.class::cast)
        .toList();
  }

  PublicKey attestationPublicKey() throws GeneralSecurityException {
    return rawP256Key(attestationKey);
  }

  static PublicKey rawP256Key(byte[] xy) throws GeneralSecurityException {
    var params =
        ((java.security.interfaces.ECPublicKey) EcdsaP256.generate().getPublic()).getParams();
    ECPoint point =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(xy, 0, 32)),
            new BigInteger(1, Arrays.copyOfRange(xy, 32, 64)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
  }

  /** Verifies a raw r||s signature the long way: converted to DER, checked by SHA256withECDSA. */
  static boolean verifyRaw(PublicKey key, byte[] data, byte[] rawSignature)
      throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(data);
    return verifier.verify(derSignature(rawSignature));
  }

  static byte[] derSignature(byte[] raw) {
    byte[] r = derInteger(Arrays.copyOfRange(raw, 0, 32));
    byte[] s = derInteger(Arrays.copyOfRange(raw, 32, 64));
    byte[] out = new byte[2 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (r.length + s.length);
    System.arraycopy(r, 0, out, 2, r.length);
    System.arraycopy(s, 0, out, 2 + r.length, s.length);
    return out;
  }

  private static byte[] derInteger(byte[] unsigned) {
    byte[] value = new BigInteger(1, unsigned).toByteArray();
    byte[] out = new byte[2 + value.length];
    out[0] = 0x02;
    out[1] = (byte) value.length;
    System.arraycopy(value, 0, out, 2, value.length);
    return out;
  }

  private static int u16(ByteBuffer in) {
    return Short.toUnsignedInt(in.getShort());
  }

  private static byte[] take(ByteBuffer in, int length) {
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }
}
