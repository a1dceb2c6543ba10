package io.assay.gateway.attestation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a verified quote must also be, beyond genuine: which TEE, which measurements, which TCB
 * statuses and advisories, and whether debug mode is allowed. Empty lists accept anything; the
 * {@link #PERMISSIVE} policy accepts every measurement and status but never a debug enclave.
 *
 * <p>The file form, JSON or YAML; every key optional, unknown keys refused:
 *
 * <pre>
 * tee                    "sgx" or "tdx": only quotes of that TEE
 * mrenclave              [hex, ...] accepted SGX MRENCLAVE values (32 bytes each)
 * mrsigner               [hex, ...] accepted SGX MRSIGNER values (32 bytes each)
 * mrtd                   [hex, ...] accepted TDX MRTD values (48 bytes each)
 * rtmr                   [[hex, ...] x up to 4] accepted values of RTMR0..RTMR3 (48 bytes
 *                        each); list i is for RTMR i, an empty or missing list accepts any
 * accepted_tcb_statuses  [name, ...] e.g. UpToDate, SWHardeningNeeded (default: any but
 *                        Revoked, which is never accepted)
 * accepted_advisories    [id, ...] every advisory of the quote's status must be listed
 *                        (default: any)
 * allow_debug            true to accept debug enclaves and TDs (default false)
 * </pre>
 *
 * A policy that lists measurements of one TEE only refuses quotes of the other, so an SGX
 * allow-list can never let an unlisted TD through.
 *
 * @param tee null for either
 * @param acceptedAdvisories null for any
 */
public record AttestationPolicy(TeeType tee, Set<String> mrEnclave, Set<String> mrSigner,
    Set<String> mrTd, List<Set<String>> rtmr, Set<TcbStatus> acceptedTcbStatuses,
    Set<String> acceptedAdvisories, boolean allowDebug) {

  /** Any TEE, measurement and status (but Revoked); no debug enclaves. */
  public static final AttestationPolicy PERMISSIVE = new AttestationPolicy(null, Set.of(),
      Set.of(), Set.of(), List.of(), Set.of(), null, false);

  private static final Set<String> KEYS = Set.of("tee", "mrenclave", "mrsigner", "mrtd",
      "rtmr", "accepted_tcb_statuses", "accepted_advisories", "allow_debug");

  public AttestationPolicy {
    mrEnclave = Set.copyOf(mrEnclave);
    mrSigner = Set.copyOf(mrSigner);
    mrTd = Set.copyOf(mrTd);
    rtmr = List.copyOf(rtmr);
    acceptedTcbStatuses = Set.copyOf(acceptedTcbStatuses);
    acceptedAdvisories = acceptedAdvisories == null ? null : Set.copyOf(acceptedAdvisories);
  }

  /**
   * Reads the file form (JSON or YAML).
   *
   * @throws IllegalArgumentException naming the key, the value and what was expected
   */
  public static AttestationPolicy parse(String text) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("the policy is neither JSON nor YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the policy must be an object of keys: " + KEYS);
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KEYS.contains(name)) {
        throw new IllegalArgumentException("policy key '" + name + "' is unknown (known: "
            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    TeeType tee = null;
    if (root.hasNonNull("tee")) {
      tee = TeeType.ofLabel(root.get("tee").asText());
      if (tee == null) {
        throw new IllegalArgumentException("policy key 'tee' is '" + root.get("tee").asText()
            + "'; expected sgx or tdx");
      }
    }
    List<Set<String>> rtmr = new ArrayList<>();
    JsonNode rtmrNode = root.get("rtmr");
    if (rtmrNode != null && !rtmrNode.isNull()) {
      if (!rtmrNode.isArray() || rtmrNode.size() > 4) {
        throw new IllegalArgumentException("policy key 'rtmr' must be a list of up to 4 lists"
            + " (RTMR0..RTMR3)");
      }
      for (int i = 0; i < rtmrNode.size(); i++) {
        rtmr.add(hexList(rtmrNode.get(i), "rtmr[" + i + "]", 48));
      }
    }
    Set<TcbStatus> statuses = new HashSet<>();
    for (String name : strings(root.get("accepted_tcb_statuses"), "accepted_tcb_statuses")) {
      TcbStatus status = TcbStatus.ofLabel(name);
      if (status == null) {
        throw new IllegalArgumentException("policy key 'accepted_tcb_statuses' has '" + name
            + "'; expected UpToDate, SWHardeningNeeded, ConfigurationNeeded,"
            + " ConfigurationAndSWHardeningNeeded, OutOfDate or OutOfDateConfigurationNeeded");
      }
      statuses.add(status);
    }
    JsonNode advisories = root.get("accepted_advisories");
    JsonNode debug = root.get("allow_debug");
    if (debug != null && !debug.isNull() && !debug.isBoolean()) {
      throw new IllegalArgumentException("policy key 'allow_debug' must be true or false");
    }
    return new AttestationPolicy(tee, hexList(root.get("mrenclave"), "mrenclave", 32),
        hexList(root.get("mrsigner"), "mrsigner", 32), hexList(root.get("mrtd"), "mrtd", 48),
        rtmr, statuses,
        advisories == null || advisories.isNull() ? null
            : new LinkedHashSet<>(strings(advisories, "accepted_advisories")),
        debug != null && debug.asBoolean());
  }

  /**
   * Whether the quote meets the policy: debug, then TEE and measurements, then TCB status and
   * advisories.
   *
   * @throws AttestationException ({@link Check#DEBUG}, {@link Check#MEASUREMENT} or
   *     {@link Check#TCB_POLICY}) saying what is not accepted
   */
  void check(Quote quote, TcbResult tcb) {
    if (quote.report().debug() && !allowDebug) {
      throw new AttestationException(Check.DEBUG, "the " + (quote.tee() == TeeType.SGX
          ? "enclave" : "TD") + " runs in debug mode, which the policy does not allow");
    }
    boolean listsSgx = !mrEnclave.isEmpty() || !mrSigner.isEmpty();
    boolean listsTdx = !mrTd.isEmpty() || rtmr.stream().anyMatch(s -> !s.isEmpty());
    boolean otherTeeOnly = quote.tee() == TeeType.SGX ? listsTdx && !listsSgx
        : listsSgx && !listsTdx;
    if ((tee != null && tee != quote.tee()) || otherTeeOnly) {
      throw new AttestationException(Check.MEASUREMENT, "the policy accepts only "
          + (tee != null ? tee : quote.tee() == TeeType.SGX ? TeeType.TDX : TeeType.SGX)
              .label() + " quotes, this is " + quote.tee().label());
    }
    if (quote.report() instanceof EnclaveReport sgx) {
      listed(mrEnclave, sgx.mrEnclave(), "MRENCLAVE");
      listed(mrSigner, sgx.mrSigner(), "MRSIGNER");
    } else {
      TdReport td = quote.td();
      listed(mrTd, td.mrTd(), "MRTD");
      for (int i = 0; i < rtmr.size(); i++) {
        listed(rtmr.get(i), td.rtmrs().get(i), "RTMR" + i);
      }
    }
    if (!acceptedTcbStatuses.isEmpty() && !acceptedTcbStatuses.contains(tcb.status())) {
      throw new AttestationException(Check.TCB_POLICY, "TCB status " + tcb.status().label()
          + " is not accepted by the policy");
    }
    if (acceptedAdvisories != null) {
      List<String> unaccepted = tcb.advisories().stream()
          .filter(a -> !acceptedAdvisories.contains(a)).toList();
      if (!unaccepted.isEmpty()) {
        throw new AttestationException(Check.TCB_POLICY, "advisories " + unaccepted
            + " are not accepted by the policy");
      }
    }
  }

  private static void listed(Set<String> allowed, byte[] value, String name) {
    if (!allowed.isEmpty() && !allowed.contains(Hex.of(value))) {
      throw new AttestationException(Check.MEASUREMENT, name + " " + Hex.of(value)
          + " is not on the policy's allow-list");
    }
  }

  private static Set<String> hexList(JsonNode node, String key, int bytes) {
    Set<String> out = new HashSet<>();
    for (String value : strings(node, key)) {
      try {
        byte[] parsed = Hex.parse(value);
        if (parsed.length != bytes) {
          throw new IllegalArgumentException();
        }
        out.add(Hex.of(parsed));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("policy key '" + key + "' has '" + value
            + "'; expected " + bytes + " bytes of hex");
      }
    }
    return out;
  }

  private static List<String> strings(JsonNode node, String key) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("policy key '" + key + "' must be a list");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new IllegalArgumentException("policy key '" + key + "' must list strings");
      }
      out.add(item.asText().strip());
    }
    return out;
  }
}
