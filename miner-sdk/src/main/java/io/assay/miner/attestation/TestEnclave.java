package io.assay.miner.attestation;

import io.assay.protocol.AttestationBinding;
import java.util.HexFormat;

/**
 * The identity a {@link TestQuoteProvider} claims for the miner's enclave, as a validator's
 * policy sees it in the quote's ISV enclave report.
 *
 * @param mrEnclave measurement of the enclave's code and data, 32 bytes
 * @param mrSigner hash of the enclave signer's key, 32 bytes
 * @param isvProdId product id chosen by the signer
 * @param isvSvn security version chosen by the signer
 * @param debug whether the DEBUG attribute is set (a debug enclave's memory is readable by
 *     its host, so validators refuse it in production)
 */
public record TestEnclave(
    byte[] mrEnclave, byte[] mrSigner, int isvProdId, int isvSvn, boolean debug) {

  /** ATTRIBUTES.FLAGS bits (Intel SDM, SECS.ATTRIBUTES). */
  static final int FLAG_INIT = 0x01;
  static final int FLAG_DEBUG = 0x02;
  static final int FLAG_MODE64BIT = 0x04;
  /** XFRM of a typical enclave: x87, SSE, AVX, AVX-512 state. */
  static final int XFRM = 0xe7;

  public TestEnclave {
    AttestationBinding.requireLength("MRENCLAVE", mrEnclave, 32);
    AttestationBinding.requireLength("MRSIGNER", mrSigner, 32);
    EnclaveReportBody.requireU16("ISVPRODID", isvProdId);
    EnclaveReportBody.requireU16("ISVSVN", isvSvn);
    mrEnclave = mrEnclave.clone();
    mrSigner = mrSigner.clone();
  }

  /** A production (non-debug) enclave with fixed, recognisable measurements. */
  public static TestEnclave example() {
    HexFormat hex = HexFormat.of();
    return new TestEnclave(
        hex.parseHex("a55a7e57e0c1a7e0000000000000000000000000000000000000000000000001"),
        hex.parseHex("a55a7e575167e500000000000000000000000000000000000000000000000002"),
        1,
        1,
        false);
  }

  public TestEnclave withDebug(boolean newDebug) {
    return new TestEnclave(mrEnclave, mrSigner, isvProdId, isvSvn, newDebug);
  }

  public TestEnclave withMrEnclave(byte[] newMrEnclave) {
    return new TestEnclave(newMrEnclave, mrSigner, isvProdId, isvSvn, debug);
  }

  /** The 16 ATTRIBUTES bytes: flags (INIT, MODE64BIT, DEBUG if set) then XFRM. */
  byte[] attributes() {
    byte[] attributes = new byte[16];
    attributes[0] = (byte) (FLAG_INIT | FLAG_MODE64BIT | (debug ? FLAG_DEBUG : 0));
    attributes[8] = (byte) XFRM;
    return attributes;
  }
}
