package io.assay.miner.attestation;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.assay.protocol.AttestationBinding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Intel's SGX ECDSA quote, version 3, byte for byte (all integers little-endian):
 *
 * <pre>
 * offset size  field
 *      0    2  version = 3
 *      2    2  attestation key type = 2 (ECDSA-256-with-P-256)
 *      4    4  reserved (TEE type 0 = SGX)
 *      8    2  QE SVN
 *     10    2  PCE SVN
 *     12   16  QE vendor id (Intel's 939A7233-F79C-4CA9-940A-0DB3957F0607)
 *     28   20  user data (a 16-byte QE identifier, then zeros)
 *     48  384  ISV enclave report body ({@link EnclaveReportBody})
 *    432    4  signature data length n
 *    436    n  signature data:
 *                +0    64  ISV report signature, r||s, by the attestation key over bytes 0..432
 *               +64    64  attestation public key, X||Y
 *              +128   384  QE report body, its REPORTDATA = SHA-256(attestation key || QE
 *                          auth data) then 32 zeros
 *              +512    64  QE report signature, r||s, by the PCK key over the QE report body
 *              +576     2  QE auth data size m
 *              +578     m  QE auth data
 *            +578+m     2  certification data type = 5 (PCK certificate chain)
 *            +580+m     4  certification data size k
 *            +584+m     k  PEM: PCK leaf, PCK Platform CA, root, then a NUL byte
 * </pre>
 *
 * The same offsets as the public dcap-rs sample quote; its tests parse both by these length
 * fields.
 */
final class SgxQuoteV3 {

  static final int VERSION = 3;
  static final int ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
  static final int CERTIFICATION_DATA_PCK_CHAIN = 5;
  static final int HEADER_SIZE = 48;
  static final int SIGNED_SIZE = HEADER_SIZE + EnclaveReportBody.SIZE;
  static final int USER_DATA_SIZE = 20;

  private SgxQuoteV3() {}

  /** The 48-byte header. */
  static byte[] header(int qeSvn, int pceSvn, byte[] qeIdentifier) {
    AttestationBinding.requireLength("QE identifier", qeIdentifier, 16);
    ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    out.putShort((short) VERSION)
        .putShort((short) ATTESTATION_KEY_TYPE_ECDSA_P256)
        .putInt(0)
        .putShort((short) qeSvn)
        .putShort((short) pceSvn)
        .put(TestQuotingEnclave.INTEL_QE_VENDOR_ID)
        .put(qeIdentifier);
    return out.array();
  }

  /**
   * The signature data that follows the signed part, with its length prefix.
   *
   * @param isvSignature r||s over header and ISV report body
   * @param attestationKey X||Y of the key that made {@code isvSignature}
   * @param qeReport the QE report body, certifying the attestation key
   * @param qeReportSignature r||s by the PCK key over {@code qeReport}
   * @param qeAuthData the QE's authentication data, hashed into the QE report
   * @param pemChain PCK leaf, Platform CA, root, as PEM text
   */
  static byte[] signatureData(
      byte[] isvSignature,
      byte[] attestationKey,
      byte[] qeReport,
      byte[] qeReportSignature,
      byte[] qeAuthData,
      String pemChain) {
    byte[] certificationData = (pemChain + '\0').getBytes(US_ASCII);
    int length =
        64 + 64 + EnclaveReportBody.SIZE + 64 + 2 + qeAuthData.length + 2 + 4
            + certificationData.length;
    ByteBuffer out = ByteBuffer.allocate(4 + length).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(length)
        .put(isvSignature)
        .put(attestationKey)
        .put(qeReport)
        .put(qeReportSignature)
        .putShort((short) qeAuthData.length)
        .put(qeAuthData)
        .putShort((short) CERTIFICATION_DATA_PCK_CHAIN)
        .putInt(certificationData.length)
        .put(certificationData);
    return out.array();
  }
}
