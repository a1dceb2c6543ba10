package io.assay.miner.attestation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * Writes the two signed collateral documents, in the field order and spelling of Intel's PCS
 * (TCB info version 3, QE identity version 2), as compact JSON: the signature covers these
 * exact bytes, so a verifier must check it over the raw text, never over re-serialised JSON.
 */
final class CollateralDocuments {

  /** The TCB evaluation data number of Intel's collateral at the time of writing. */
  private static final int TCB_EVALUATION_DATA_NUMBER = 17;

  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  private CollateralDocuments() {}

  static String tcbInfo(CollateralSpec spec) {
    boolean tdx = spec.tee().equals("tdx");
    TestPlatform platform = spec.platform();
    ObjectNode info = Json.MAPPER.createObjectNode();
    info.put("id", tdx ? "TDX" : "SGX");
    info.put("version", 3);
    info.put("issueDate", timestamp(spec.issueDate()));
    info.put("nextUpdate", timestamp(spec.nextUpdate()));
    info.put("fmspc", platform.fmspcHex());
    info.put("pceId", HEX.formatHex(platform.pceId()));
    info.put("tcbType", 0);
    info.put("tcbEvaluationDataNumber", TCB_EVALUATION_DATA_NUMBER);
    if (tdx) {
      ObjectNode module = info.putObject("tdxModule");
      module.put("mrsigner", HEX.formatHex(new byte[48]));
      module.put("attributes", HEX.formatHex(new byte[8]));
      module.put("attributesMask", "FFFFFFFFFFFFFFFF");
    }
    ArrayNode levels = info.putArray("tcbLevels");
    String tcbDate = timestamp(spec.issueDate().truncatedTo(ChronoUnit.DAYS));
    addTcbLevel(levels, platform.cpuSvn(), platform.pceSvn(), tdx, tcbDate, spec.tcbStatus());
    addTcbLevel(levels, new byte[16], 0, tdx, "2018-01-04T00:00:00Z", "OutOfDate");
    return write(info);
  }

  static String qeIdentity(CollateralSpec spec) {
    ObjectNode identity = Json.MAPPER.createObjectNode();
    identity.put("id", spec.tee().equals("tdx") ? "TD_QE" : "QE");
    identity.put("version", 2);
    identity.put("issueDate", timestamp(spec.issueDate()));
    identity.put("nextUpdate", timestamp(spec.nextUpdate()));
    identity.put("tcbEvaluationDataNumber", TCB_EVALUATION_DATA_NUMBER);
    identity.put("miscselect", "00000000");
    identity.put("miscselectMask", "FFFFFFFF");
    // INIT|PROVISIONKEY, as the test QE reports; XFRM (the last 8 bytes) is outside the mask.
    identity.put("attributes", "11000000000000000000000000000000");
    identity.put("attributesMask", "FBFFFFFFFFFFFFFF0000000000000000");
    identity.put("mrsigner", HEX.formatHex(TestQuotingEnclave.MRSIGNER));
    identity.put("isvprodid", TestQuotingEnclave.ISVPRODID);
    ArrayNode levels = identity.putArray("tcbLevels");
    String tcbDate = timestamp(spec.issueDate().truncatedTo(ChronoUnit.DAYS));
    addQeLevel(levels, spec.qeUpToDateIsvSvn(), tcbDate, "UpToDate");
    if (spec.qeUpToDateIsvSvn() > 0) {
      addQeLevel(levels, 0, "2018-01-04T00:00:00Z", "OutOfDate");
    }
    return write(identity);
  }

  private static void addTcbLevel(
      ArrayNode levels, byte[] cpuSvn, int pceSvn, boolean tdx, String tcbDate, String status) {
    ObjectNode level = levels.addObject();
    ObjectNode tcb = level.putObject("tcb");
    ArrayNode sgxComponents = tcb.putArray("sgxtcbcomponents");
    for (byte svn : cpuSvn) {
      sgxComponents.addObject().put("svn", svn & 0xFF);
    }
    tcb.put("pcesvn", pceSvn);
    if (tdx) {
      ArrayNode tdxComponents = tcb.putArray("tdxtcbcomponents");
      for (int i = 0; i < 16; i++) {
        tdxComponents.addObject().put("svn", 0);
      }
    }
    level.put("tcbDate", tcbDate);
    level.put("tcbStatus", status);
    if (!status.equals("UpToDate")) {
      level.putArray("advisoryIDs").add("ASSAY-TEST-SA-00001");
    }
  }

  private static void addQeLevel(ArrayNode levels, int isvSvn, String tcbDate, String status) {
    ObjectNode level = levels.addObject();
    level.putObject("tcb").put("isvsvn", isvSvn);
    level.put("tcbDate", tcbDate);
    level.put("tcbStatus", status);
  }

  /** Intel writes whole seconds, UTC, with a Z. */
  static String timestamp(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String write(ObjectNode node) {
    try {
      return Json.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }
}
