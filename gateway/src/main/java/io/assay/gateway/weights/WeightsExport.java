package io.assay.gateway.weights;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.assay.gateway.scoring.WeightReport;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A weight computation as a chain client takes it for {@code set_weights}: uids in ascending
 * order and their u16 weights ({@code 65535 * w / max w}, rounded half to even, as the report has
 * them; the burn uid's share included), signed with the validator's identity so whoever submits
 * it can check it came from this validator unchanged. Miners without a recorded uid cannot be
 * weighted on chain and are left out (listed in {@code unmapped}).
 *
 * <p>The signature is Ed25519 over the UTF-8 bytes of
 * <pre>
 * "assay/weights/v1\n" + netuid + "\n" + version_key + "\n" + validator + "\n" + computed_at
 *     + "\n" + uids joined by "," + "\n" + weights joined by ","</pre>
 *
 * @param netuid the subnet ({@code weights.netuid})
 * @param versionKey the subnet's weights version key ({@code weights.version_key})
 * @param validator the validator's hotkey
 * @param computedAt epoch millis of the computation
 * @param uids ascending chain uids
 * @param weights their u16 weights, in the same order
 * @param unmapped hotkeys with a weight above 0 but no uid
 * @param signature base64url Ed25519 signature of the validator
 */
public record WeightsExport(
    @JsonProperty("netuid") int netuid,
    @JsonProperty("version_key") long versionKey,
    @JsonProperty("validator") String validator,
    @JsonProperty("computed_at") long computedAt,
    @JsonProperty("uids") List<Integer> uids,
    @JsonProperty("weights") List<Integer> weights,
    @JsonProperty("unmapped") List<String> unmapped,
    @JsonProperty("signature") String signature) {

  /** Signs {@code report}'s weights for subnet {@code netuid} with {@code validator}. */
  public static WeightsExport of(WeightReport report, int netuid, long versionKey,
      Identity validator) {
    Map<Integer, Integer> byUid = new TreeMap<>();
    List<String> unmapped = new ArrayList<>();
    report.weightsU16().forEach((hotkey, u16) -> {
      Integer uid = report.uids().get(hotkey);
      if (uid == null) {
        if (u16 > 0) {
          unmapped.add(hotkey);
        }
      } else {
        byUid.merge(uid, u16, Integer::sum);
      }
    });
    if (report.burnUid() != null && report.burnU16() > 0) {
      byUid.merge(report.burnUid(), report.burnU16(), Integer::sum);
    }
    WeightsExport unsigned = new WeightsExport(netuid, versionKey,
        validator.hotkey().value(), report.computedAt(), List.copyOf(byUid.keySet()),
        List.copyOf(byUid.values()), List.copyOf(unmapped), null);
    return new WeightsExport(netuid, versionKey, unsigned.validator(), report.computedAt(),
        unsigned.uids(), unsigned.weights(), unsigned.unmapped(),
        Base64.getUrlEncoder().withoutPadding().encodeToString(
            validator.sign(unsigned.signedBytes())));
  }

  /** Whether the signature is the named validator's over these values. Never throws. */
  public boolean verify() {
    try {
      return signature != null && Identity.verify(Hotkey.parse(validator), signedBytes(),
          Base64.getUrlDecoder().decode(signature));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private byte[] signedBytes() {
    return ("assay/weights/v1\n" + netuid + "\n" + versionKey + "\n" + validator + "\n"
        + computedAt + "\n" + join(uids) + "\n" + join(weights))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String join(List<Integer> values) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      s.append(i == 0 ? "" : ",").append(values.get(i));
    }
    return s.toString();
  }
}
