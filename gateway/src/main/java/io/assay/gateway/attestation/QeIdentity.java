package io.assay.gateway.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Intel's identity of its quoting enclave ({@code QE} for SGX, {@code TD_QE} for TDX): the
 * signer, product ID, MISCSELECT and attributes (under masks) a genuine QE has, and its TCB
 * levels by ISVSVN. Arrays are the reader's copies; do not modify.
 *
 * @param miscSelect 4 bytes in the quote's (little-endian) order
 */
public record QeIdentity(String id, int version, Instant issueDate, Instant nextUpdate,
    byte[] miscSelect, byte[] miscSelectMask, byte[] attributes, byte[] attributesMask,
    byte[] mrSigner, int isvProdId, List<Level> levels) {

  /** A QE TCB level: the QE is at it when its ISVSVN is at least {@code isvSvn}. */
  public record Level(int isvSvn, TcbStatus status, List<String> advisories) {}

  /** The identity kind a quote of this TEE needs. */
  static String idFor(TeeType tee) {
    return tee == TeeType.SGX ? "QE" : "TD_QE";
  }

  /**
   * Reads the QE identity body: the object Intel signs (QVL's {@code qe_identity}, or the value
   * of {@code enclaveIdentity} in a PCS response).
   */
  static QeIdentity parse(JsonNode node) {
    JsonFields identity = new JsonFields(node, "qe_identity");
    List<Level> levels = new ArrayList<>();
    JsonNode nodes = identity.node("tcbLevels");
    for (int i = 0; i < nodes.size(); i++) {
      JsonFields level = new JsonFields(nodes.get(i), "qe_identity.tcbLevels[" + i + "]");
      levels.add(new Level(level.object("tcb").integer("isvsvn"), level.status("tcbStatus"),
          TcbInfo.advisories(level)));
    }
    return new QeIdentity(identity.text("id"), identity.integer("version"),
        identity.instant("issueDate"), identity.instant("nextUpdate"),
        identity.hex("miscselect", 4), identity.hex("miscselectMask", 4),
        identity.hex("attributes", 16), identity.hex("attributesMask", 16),
        identity.hex("mrsigner", 32), identity.integer("isvprodid"), List.copyOf(levels));
  }

  /**
   * Whether the QE report is this QE's, and its status: signer and product ID equal, MISCSELECT
   * and attributes equal under their masks, and the first level its ISVSVN reaches.
   *
   * @throws AttestationException ({@link Check#QE_IDENTITY}) naming the field that differs
   */
  TcbResult statusOf(EnclaveReport qe) {
    if (!Arrays.equals(qe.mrSigner(), mrSigner)) {
      throw refused("the QE's MRSIGNER " + Hex.of(qe.mrSigner()) + " is not Intel's "
          + Hex.of(mrSigner));
    }
    if (qe.isvProdId() != isvProdId) {
      throw refused("the QE's ISVPRODID " + qe.isvProdId() + " is not " + isvProdId);
    }
    long misc = qe.miscSelect();
    byte[] miscBytes = {(byte) misc, (byte) (misc >> 8), (byte) (misc >> 16), (byte) (misc >> 24)};
    if (!TcbInfo.maskedEqual(miscBytes, miscSelect, miscSelectMask)) {
      throw refused("the QE's MISCSELECT " + Hex.of(miscBytes) + " differs under the mask");
    }
    if (!TcbInfo.maskedEqual(qe.attributes(), attributes, attributesMask)) {
      throw refused("the QE's attributes " + Hex.of(qe.attributes()) + " differ under the"
          + " mask");
    }
    for (Level level : levels) {
      if (qe.isvSvn() >= level.isvSvn()) {
        return new TcbResult(level.status(), level.advisories());
      }
    }
    throw refused("the QE's ISVSVN " + qe.isvSvn() + " reaches no level");
  }

  private static AttestationException refused(String why) {
    return new AttestationException(Check.QE_IDENTITY, why);
  }
}
