package io.assay.miner.attestation;

import io.assay.protocol.AttestationBinding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An SGX report body (Intel's {@code sgx_report_body_t}), 384 bytes, little-endian: the part
 * of a report that both the ISV enclave report of a quote and the quoting enclave's own report
 * share. Key separation and config-id fields (KSS) are written as zeros.
 *
 * <pre>
 * offset size field
 *      0   16 CPUSVN
 *     16    4 MISCSELECT
 *     20   28 reserved, ISV extended product id (zeros)
 *     48   16 ATTRIBUTES (flags u64, then XFRM u64)
 *     64   32 MRENCLAVE
 *     96   32 reserved
 *    128   32 MRSIGNER
 *    160   96 reserved, CONFIGID (zeros)
 *    256    2 ISVPRODID
 *    258    2 ISVSVN
 *    260   60 CONFIGSVN, reserved, ISV family id (zeros)
 *    320   64 REPORTDATA
 * </pre>
 */
record EnclaveReportBody(
    byte[] cpuSvn,
    int miscSelect,
    byte[] attributes,
    byte[] mrEnclave,
    byte[] mrSigner,
    int isvProdId,
    int isvSvn,
    byte[] reportData) {

  static final int SIZE = 384;
  static final int ATTRIBUTES_OFFSET = 48;
  static final int MRENCLAVE_OFFSET = 64;
  static final int MRSIGNER_OFFSET = 128;
  static final int ISVPRODID_OFFSET = 256;
  static final int REPORTDATA_OFFSET = 320;

  EnclaveReportBody {
    AttestationBinding.requireLength("CPUSVN", cpuSvn, 16);
    AttestationBinding.requireLength("attributes", attributes, 16);
    AttestationBinding.requireLength("MRENCLAVE", mrEnclave, 32);
    AttestationBinding.requireLength("MRSIGNER", mrSigner, 32);
    AttestationBinding.requireLength("report data", reportData, ReportData.SIZE);
    requireU16("ISVPRODID", isvProdId);
    requireU16("ISVSVN", isvSvn);
  }

  byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    out.put(cpuSvn).putInt(miscSelect);
    out.position(ATTRIBUTES_OFFSET);
    out.put(attributes).put(mrEnclave);
    out.position(MRSIGNER_OFFSET);
    out.put(mrSigner);
    out.position(ISVPRODID_OFFSET);
    out.putShort((short) isvProdId).putShort((short) isvSvn);
    out.position(REPORTDATA_OFFSET);
    out.put(reportData);
    return out.array();
  }

  static void requireU16(String what, int value) {
    if (value < 0 || value > 0xFFFF) {
      throw new IllegalArgumentException(what + " must fit in 16 bits, got " + value);
    }
  }
}
