package io.assay.gateway.attestation;

import java.util.Arrays;

/**
 * Reads DCAP quotes by their length fields: SGX quotes of version 3 and TDX quotes of version 4
 * (TDX 1.0 body) and 5 (a typed, sized body: TDX 1.0 or 1.5). Only ECDSA P-256 attestation keys,
 * Intel's quoting enclave and a PCK certificate chain carried in the quote (certification data
 * type 5) are accepted: that is what a verifier without network access needs.
 *
 * <p>Bytes after the signature data are ignored: no signature covers them and no field points
 * into them (go-tdx-guest's sample quote carries such a tail).
 */
public final class QuoteParser {

  /** The QE vendor ID of Intel's quoting enclave. */
  static final byte[] INTEL_QE_VENDOR = Hex.parse("939a7233f79c4ca9940a0db3957f0607");

  private static final int HEADER_SIZE = 48;
  private static final int ECDSA_P256 = 2;
  private static final int BODY_TD10 = 2;
  private static final int BODY_TD15 = 3;
  private static final int QE_REPORT_CERTIFICATION = 6;
  private static final int PCK_CHAIN = 5;

  private QuoteParser() {}

  /** @throws AttestationException ({@link Check#QUOTE_FORMAT}) naming what is wrong */
  public static Quote parse(byte[] raw) {
    ByteReader in = new ByteReader(raw);
    int version = in.u16();
    int keyType = in.u16();
    long teeCode = in.u32();
    int qeSvn = in.u16();
    int pceSvn = in.u16();
    byte[] vendor = in.bytes(16);
    in.skip(20); // user data: the QE's, no meaning for the verifier
    TeeType tee = TeeType.ofCode(teeCode);
    if (tee == null) {
      throw refused("unknown TEE type 0x" + Long.toHexString(teeCode));
    }
    if (tee == TeeType.SGX ? version != 3 : version != 4 && version != 5) {
      throw refused(tee.label() + " quote of version " + version + " (supported: SGX 3, TDX 4"
          + " and 5)");
    }
    if (keyType != ECDSA_P256) {
      throw refused("attestation key type " + keyType + " (supported: 2, ECDSA P-256)");
    }
    if (!Arrays.equals(vendor, INTEL_QE_VENDOR)) {
      throw refused("QE vendor " + Hex.of(vendor) + " is not Intel's");
    }

    Report report = readBody(in, version, tee);
    byte[] signedBytes = Arrays.copyOfRange(raw, 0, in.position());
    ByteReader signatureData = in.part(in.u32(), "the signature data");
    Quote.QuoteSignature signature = readSignature(signatureData, version);
    return new Quote(version, tee, keyType, qeSvn, pceSvn, vendor, report, signedBytes,
        signature);
  }

  private static Report readBody(ByteReader in, int version, TeeType tee) {
    if (tee == TeeType.SGX) {
      return EnclaveReport.read(in.part(EnclaveReport.SIZE, "the enclave report"));
    }
    if (version == 4) {
      return TdReport.read(in.part(TdReport.SIZE_10, "the TD report"), false);
    }
    int type = in.u16();
    long size = in.u32();
    boolean tdx15 = type == BODY_TD15;
    if (type != BODY_TD10 && !tdx15) {
      throw refused("version 5 body type " + type + " (supported: 2, TDX 1.0; 3, TDX 1.5)");
    }
    int expected = tdx15 ? TdReport.SIZE_15 : TdReport.SIZE_10;
    if (size != expected) {
      throw refused("body type " + type + " must be " + expected + " bytes, not " + size);
    }
    return TdReport.read(in.part(size, "the TD report"), tdx15);
  }

  private static Quote.QuoteSignature readSignature(ByteReader in, int version) {
    byte[] quoteSignature = in.bytes(64);
    byte[] attestationKey = in.bytes(64);
    ByteReader qeData = in;
    if (version >= 4) {
      int type = in.u16();
      if (type != QE_REPORT_CERTIFICATION) {
        throw refused("certification data type " + type + " (expected 6, QE report"
            + " certification data)");
      }
      qeData = in.part(in.u32(), "the QE report certification data");
    }
    byte[] qeReportBytes = qeData.bytes(EnclaveReport.SIZE);
    EnclaveReport qeReport = EnclaveReport.read(new ByteReader(qeReportBytes));
    byte[] qeReportSignature = qeData.bytes(64);
    ByteReader auth = qeData.part(qeData.u16(), "the QE authentication data");
    byte[] authData = auth.bytes(auth.remaining());
    int certType = qeData.u16();
    ByteReader certData = qeData.part(qeData.u32(), "the certification data");
    if (certType != PCK_CHAIN) {
      throw refused("certification data type " + certType + " (expected 5, the PCK"
          + " certificate chain, which this verifier needs inside the quote)");
    }
    byte[] pem = certData.bytes(certData.remaining());
    return new Quote.QuoteSignature(quoteSignature, attestationKey, qeReport, qeReportBytes,
        qeReportSignature, authData, pem);
  }

  private static AttestationException refused(String why) {
    return new AttestationException(Check.QUOTE_FORMAT, why);
  }
}
