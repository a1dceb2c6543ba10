package io.assay.miner.attestation;

import java.util.HexFormat;

/**
 * The quoting enclave the test authority pretends to run: its report inside every test quote
 * and the QE identity collateral that vouches for it must agree, so both read these values.
 * Shaped like Intel's SGX QE (product id 1, ATTRIBUTES INIT|PROVISIONKEY), with measurements
 * of its own so no test quote can pass for one from Intel's QE.
 */
final class TestQuotingEnclave {

  static final byte[] MRSIGNER =
      HexFormat.of().parseHex("a55a7e5700e051c4e7000000000000000000000000000000000000000000000e");
  static final byte[] MRENCLAVE =
      HexFormat.of().parseHex("a55a7e5700e0e4c1a7e00000000000000000000000000000000000000000000e");
  static final int ISVPRODID = 1;
  static final int ISVSVN = 8;
  static final int MISCSELECT = 0;

  /** INIT and PROVISIONKEY, XFRM x87|SSE: what Intel's QE identity expects under its mask. */
  static byte[] attributes() {
    byte[] attributes = new byte[16];
    attributes[0] = 0x11;
    attributes[8] = 0x03;
    return attributes;
  }

  /** Intel's QE vendor id, 939A7233-F79C-4CA9-940A-0DB3957F0607: the one validators accept. */
  static final byte[] INTEL_QE_VENDOR_ID =
      HexFormat.of().parseHex("939a7233f79c4ca9940a0db3957f0607");

  private TestQuotingEnclave() {}
}
