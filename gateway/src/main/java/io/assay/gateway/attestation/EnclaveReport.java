package io.assay.gateway.attestation;

/**
 * An SGX enclave report (384 bytes): the body of an SGX quote, and the quoting enclave's own
 * report inside every quote's signature data. Arrays are the parser's copies; do not modify.
 *
 * @param cpuSvn the platform's CPU security version numbers (16 bytes)
 * @param miscSelect the MISCSELECT word (little-endian in the quote)
 * @param attributes the enclave's 16 attribute bytes; bit 1 of the first is DEBUG
 */
public record EnclaveReport(byte[] cpuSvn, long miscSelect, byte[] attributes,
    byte[] mrEnclave, byte[] mrSigner, int isvProdId, int isvSvn, byte[] reportData)
    implements Report {

  static final int SIZE = 384;

  private static final int DEBUG_BIT = 0x02;

  static EnclaveReport read(ByteReader in) {
    byte[] cpuSvn = in.bytes(16);
    long miscSelect = in.u32();
    in.skip(28);
    byte[] attributes = in.bytes(16);
    byte[] mrEnclave = in.bytes(32);
    in.skip(32);
    byte[] mrSigner = in.bytes(32);
    in.skip(96);
    int isvProdId = in.u16();
    int isvSvn = in.u16();
    in.skip(60);
    byte[] reportData = in.bytes(64);
    return new EnclaveReport(cpuSvn, miscSelect, attributes, mrEnclave, mrSigner, isvProdId,
        isvSvn, reportData);
  }

  @Override
  public boolean debug() {
    return (attributes[0] & DEBUG_BIT) != 0;
  }
}
