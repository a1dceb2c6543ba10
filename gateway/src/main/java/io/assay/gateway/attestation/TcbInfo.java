package io.assay.gateway.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Intel's TCB info for one platform model (FMSPC): its TCB levels, best first, each with the
 * component SVNs a platform must reach and the status it then has; for TDX also what the TDX
 * module must be. Versions 2 (SGX, one field per component) and 3 (SGX or TDX, component
 * arrays) are read. Arrays are the reader's copies; do not modify.
 *
 * @param tdxModule TDX only, else null
 */
public record TcbInfo(TeeType tee, int version, Instant issueDate, Instant nextUpdate,
    byte[] fmspc, byte[] pceId, List<TcbLevel> levels, TdxModule tdxModule,
    List<TdxModuleIdentity> tdxModuleIdentities) {

  /** One TCB level; {@code tdxComponents} is null for SGX. */
  public record TcbLevel(int[] sgxComponents, int pceSvn, int[] tdxComponents,
      TcbStatus status, List<String> advisories) {}

  /** What the TDX module's signer and attributes must be, under a mask. */
  public record TdxModule(byte[] mrSigner, byte[] attributes, byte[] attributesMask) {}

  /** One TDX module major version ({@code TDX_01}, ...) with its own levels by ISVSVN. */
  public record TdxModuleIdentity(String id, TdxModule module, List<ModuleLevel> levels) {}

  /** A TDX module TCB level. */
  public record ModuleLevel(int isvSvn, TcbStatus status, List<String> advisories) {}

  /**
   * Reads the TCB info body: the object Intel signs (QVL's {@code tcb_info}, or the value of
   * {@code tcbInfo} in a PCS response).
   *
   * @throws AttestationException ({@link Check#COLLATERAL_FORMAT}) naming the bad field
   */
  static TcbInfo parse(JsonNode node) {
    JsonFields info = new JsonFields(node, "tcb_info");
    int version = info.integer("version");
    if (version != 2 && version != 3) {
      throw info.bad("version", "is " + version + " (supported: 2 and 3)");
    }
    String id = version == 2 ? "SGX" : info.text("id");
    TeeType tee = TeeType.ofLabel(id);
    if (tee == null) {
      throw info.bad("id", "is '" + id + "' (expected SGX or TDX)");
    }
    List<TcbLevel> levels = new ArrayList<>();
    JsonNode levelNodes = info.node("tcbLevels");
    for (int i = 0; i < levelNodes.size(); i++) {
      levels.add(level(new JsonFields(levelNodes.get(i), "tcb_info.tcbLevels[" + i + "]"),
          version, tee));
    }
    TdxModule module = null;
    List<TdxModuleIdentity> identities = new ArrayList<>();
    if (tee == TeeType.TDX) {
      module = module(info.object("tdxModule"));
      if (info.has("tdxModuleIdentities")) {
        JsonNode nodes = info.node("tdxModuleIdentities");
        for (int i = 0; i < nodes.size(); i++) {
          identities.add(identity(new JsonFields(nodes.get(i),
              "tcb_info.tdxModuleIdentities[" + i + "]")));
        }
      }
    }
    return new TcbInfo(tee, version, info.instant("issueDate"), info.instant("nextUpdate"),
        info.hex("fmspc", 6), info.hex("pceId", 2), List.copyOf(levels), module,
        List.copyOf(identities));
  }

  /**
   * The status of the first level (best first) the platform reaches: every SGX component SVN
   * of the PCK certificate and its PCE SVN at least the level's, and for TDX every byte of the
   * TEE TCB SVN at least the level's TDX component. For TDX the module's own status is merged
   * in.
   *
   * @throws AttestationException ({@link Check#TCB_LEVEL}) when no level is reached, or the
   *     TDX module is not the one the TCB info describes
   */
  TcbResult statusOf(PckCertificate pck, Report report) {
    byte[] teeTcbSvn = report instanceof TdReport td ? td.teeTcbSvn() : null;
    for (TcbLevel level : levels) {
      if (atLeast(pck.sgxTcbComponents(), level.sgxComponents())
          && pck.pceSvn() >= level.pceSvn()
          && (teeTcbSvn == null || atLeast(unsigned(teeTcbSvn), level.tdxComponents()))) {
        TcbResult platform = new TcbResult(level.status(), level.advisories());
        return report instanceof TdReport td ? platform.merge(moduleStatus(td)) : platform;
      }
    }
    throw new AttestationException(Check.TCB_LEVEL, "the platform reaches no TCB level of the"
        + " TCB info (SGX components " + Arrays.toString(pck.sgxTcbComponents())
        + ", PCE SVN " + pck.pceSvn()
        + (teeTcbSvn == null ? "" : ", TEE TCB SVN " + Hex.of(teeTcbSvn)) + ")");
  }

  /**
   * The TDX module: its signer and attributes must be those of the TCB info (of the identity
   * for its major version, byte 1 of the TEE TCB SVN, when there is one), and its ISVSVN (byte
   * 0) picks the module's level.
   */
  private TcbResult moduleStatus(TdReport td) {
    int isvSvn = td.teeTcbSvn()[0] & 0xff;
    int majorVersion = td.teeTcbSvn()[1] & 0xff;
    TdxModuleIdentity identity = null;
    if (majorVersion > 0 && !tdxModuleIdentities.isEmpty()) {
      String wanted = "TDX_" + HexFormat.of().withUpperCase().toHexDigits((byte) majorVersion);
      identity = tdxModuleIdentities.stream().filter(m -> m.id().equalsIgnoreCase(wanted))
          .findFirst().orElseThrow(() -> new AttestationException(Check.TCB_LEVEL,
              "the TCB info has no TDX module identity " + wanted));
    }
    TdxModule expected = identity == null ? tdxModule : identity.module();
    if (!Arrays.equals(td.mrSignerSeam(), expected.mrSigner())) {
      throw new AttestationException(Check.TCB_LEVEL, "the TDX module signer "
          + Hex.of(td.mrSignerSeam()) + " is not the TCB info's " + Hex.of(expected.mrSigner()));
    }
    if (!maskedEqual(td.seamAttributes(), expected.attributes(), expected.attributesMask())) {
      throw new AttestationException(Check.TCB_LEVEL, "the TDX module attributes "
          + Hex.of(td.seamAttributes()) + " are not the TCB info's");
    }
    if (identity == null) {
      return new TcbResult(TcbStatus.UP_TO_DATE, List.of());
    }
    for (ModuleLevel level : identity.levels()) {
      if (isvSvn >= level.isvSvn()) {
        return new TcbResult(level.status(), level.advisories());
      }
    }
    throw new AttestationException(Check.TCB_LEVEL, "the TDX module's ISVSVN " + isvSvn
        + " reaches no level of " + identity.id());
  }

  static boolean maskedEqual(byte[] actual, byte[] expected, byte[] mask) {
    if (actual.length != expected.length || mask.length != expected.length) {
      return false;
    }
    for (int i = 0; i < mask.length; i++) {
      if (((actual[i] ^ expected[i]) & mask[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean atLeast(int[] have, int[] need) {
    if (need == null || have.length != need.length) {
      return false;
    }
    for (int i = 0; i < need.length; i++) {
      if (have[i] < need[i]) {
        return false;
      }
    }
    return true;
  }

  private static int[] unsigned(byte[] bytes) {
    int[] out = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = bytes[i] & 0xff;
    }
    return out;
  }

  private static TcbLevel level(JsonFields level, int version, TeeType tee) {
    JsonFields tcb = level.object("tcb");
    int[] sgx = new int[16];
    int[] tdx = null;
    if (version == 2) {
      for (int i = 0; i < 16; i++) {
        sgx[i] = tcb.integer(String.format("sgxtcbcomp%02dsvn", i + 1));
      }
    } else {
      sgx = components(tcb, "sgxtcbcomponents");
      if (tee == TeeType.TDX) {
        tdx = components(tcb, "tdxtcbcomponents");
      }
    }
    return new TcbLevel(sgx, tcb.integer("pcesvn"), tdx, level.status("tcbStatus"),
        advisories(level));
  }

  private static int[] components(JsonFields tcb, String field) {
    JsonNode array = tcb.node(field);
    if (!array.isArray() || array.size() != 16) {
      throw tcb.bad(field, "must list 16 components");
    }
    int[] out = new int[16];
    for (int i = 0; i < 16; i++) {
      out[i] = new JsonFields(array.get(i), field + "[" + i + "]").integer("svn");
    }
    return out;
  }

  static List<String> advisories(JsonFields level) {
    List<String> ids = new ArrayList<>();
    if (level.has("advisoryIDs")) {
      level.node("advisoryIDs").forEach(id -> ids.add(id.asText()));
    }
    return List.copyOf(ids);
  }

  private static TdxModule module(JsonFields module) {
    return new TdxModule(module.hex("mrsigner", 48), module.hex("attributes", 8),
        module.hex("attributesMask", 8));
  }

  private static TdxModuleIdentity identity(JsonFields identity) {
    List<ModuleLevel> levels = new ArrayList<>();
    JsonNode nodes = identity.node("tcbLevels");
    for (int i = 0; i < nodes.size(); i++) {
      JsonFields level = new JsonFields(nodes.get(i), "tcbLevels[" + i + "]");
      levels.add(new ModuleLevel(level.object("tcb").integer("isvsvn"),
          level.status("tcbStatus"), advisories(level)));
    }
    return new TdxModuleIdentity(identity.text("id"), module(identity), List.copyOf(levels));
  }
}
