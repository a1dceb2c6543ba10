package io.assay.gateway.attestation;

import java.util.List;

/**
 * A TDX TD report: the body of a TDX quote, 584 bytes for TDX 1.0 and 648 for TDX 1.5 (which
 * adds a second TEE TCB SVN and the service TD's measurement). Arrays are the parser's copies;
 * do not modify.
 *
 * @param teeTcbSvn the TDX module's and platform's SVNs (16 bytes); byte 0 is the module's
 *     ISVSVN, byte 1 its major version
 * @param mrSignerSeam the TDX module signer (48 bytes; zero for Intel's module)
 * @param seamAttributes the TDX module's attributes (8 bytes)
 * @param tdAttributes the TD's attributes (8 bytes); bit 0 is DEBUG
 * @param mrTd the measurement of the TD's initial contents (48 bytes)
 * @param rtmrs the four run-time measurement registers, 48 bytes each
 * @param teeTcbSvn2 TDX 1.5 only, else null
 * @param mrServiceTd TDX 1.5 only, else null
 */
public record TdReport(byte[] teeTcbSvn, byte[] mrSeam, byte[] mrSignerSeam,
    byte[] seamAttributes, byte[] tdAttributes, byte[] xfam, byte[] mrTd, byte[] mrConfigId,
    byte[] mrOwner, byte[] mrOwnerConfig, List<byte[]> rtmrs, byte[] reportData,
    byte[] teeTcbSvn2, byte[] mrServiceTd) implements Report {

  static final int SIZE_10 = 584;
  static final int SIZE_15 = 648;

  private static final int DEBUG_BIT = 0x01;

  static TdReport read(ByteReader in, boolean tdx15) {
    byte[] teeTcbSvn = in.bytes(16);
    byte[] mrSeam = in.bytes(48);
    byte[] mrSignerSeam = in.bytes(48);
    byte[] seamAttributes = in.bytes(8);
    byte[] tdAttributes = in.bytes(8);
    byte[] xfam = in.bytes(8);
    byte[] mrTd = in.bytes(48);
    byte[] mrConfigId = in.bytes(48);
    byte[] mrOwner = in.bytes(48);
    byte[] mrOwnerConfig = in.bytes(48);
    List<byte[]> rtmrs = List.of(in.bytes(48), in.bytes(48), in.bytes(48), in.bytes(48));
    byte[] reportData = in.bytes(64);
    byte[] teeTcbSvn2 = tdx15 ? in.bytes(16) : null;
    byte[] mrServiceTd = tdx15 ? in.bytes(48) : null;
    return new TdReport(teeTcbSvn, mrSeam, mrSignerSeam, seamAttributes, tdAttributes, xfam,
        mrTd, mrConfigId, mrOwner, mrOwnerConfig, rtmrs, reportData, teeTcbSvn2, mrServiceTd);
  }

  @Override
  public boolean debug() {
    return (tdAttributes[0] & DEBUG_BIT) != 0;
  }
}
