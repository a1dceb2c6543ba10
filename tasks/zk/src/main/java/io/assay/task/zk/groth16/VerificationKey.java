package io.assay.task.zk.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A Groth16 verification key as snarkjs exports it ({@code snarkjs zkey export verificationkey}),
 * parsed, checked and prepared for verification once: every point is on its curve and in its
 * subgroup, and the per-key parts of the pairing equation are precomputed. Immutable and
 * thread-safe; parse it once per circuit and share it.
 */
public final class VerificationKey {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Curve curve;
  private final int nPublic;
  private final CurveKey curveKey;

  private VerificationKey(Curve curve, int nPublic, CurveKey curveKey) {
    this.curve = curve;
    this.nPublic = nPublic;
    this.curveKey = curveKey;
  }

  /**
   * Parses snarkjs's {@code verification_key.json}: {@code protocol} "groth16", {@code curve}
   * "bn128" or "bls12381", {@code nPublic}, {@code vk_alpha_1}, {@code vk_beta_2},
   * {@code vk_gamma_2}, {@code vk_delta_2} and {@code IC} (nPublic + 1 G1 points). Other fields
   * (such as {@code vk_alphabeta_12}) are ignored.
   *
   * @throws IllegalArgumentException with the reason, if the JSON is not such a key or a point is
   *     not on the curve or not in its subgroup
   */
  public static VerificationKey parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("verification key is not valid JSON: " + e.getMessage(), e);
    }
    try {
      return of(root);
    } catch (RejectedInput e) {
      throw new IllegalArgumentException("verification key: " + e.getMessage());
    }
  }

  private static VerificationKey of(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new RejectedInput("not a JSON object");
    }
    String protocol = root.path("protocol").asText(null);
    if (!"groth16".equals(protocol)) {
      throw new RejectedInput("protocol is " + SnarkjsJson.abbreviate(protocol) + ", expected 'groth16'");
    }
    Curve curve;
    try {
      curve = Curve.fromSnarkjs(root.path("curve").asText(null));
    } catch (IllegalArgumentException e) {
      throw new RejectedInput(e.getMessage());
    }
    JsonNode nPublicNode = root.get("nPublic");
    if (nPublicNode == null || !nPublicNode.canConvertToInt() || !nPublicNode.isIntegralNumber() || nPublicNode.intValue() < 0) {
      throw new RejectedInput("nPublic is not a non-negative integer");
    }
    int nPublic = nPublicNode.intValue();
    JsonNode icNode = root.get("IC");
    if (icNode == null || !icNode.isArray() || icNode.size() != nPublic + 1) {
      throw new RejectedInput("IC must be an array of nPublic + 1 = " + (nPublic + 1) + " G1 points");
    }
    BigInteger p = curve.baseField();
    List<AffineG1> ic = new ArrayList<>(nPublic + 1);
    for (int i = 0; i <= nPublic; i++) {
      ic.add(SnarkjsJson.g1(icNode.get(i), "IC[" + i + "]", p));
    }
    AffineG1 alpha = SnarkjsJson.g1(root.get("vk_alpha_1"), "vk_alpha_1", p);
    AffineG2 beta = SnarkjsJson.g2(root.get("vk_beta_2"), "vk_beta_2", p);
    AffineG2 gamma = SnarkjsJson.g2(root.get("vk_gamma_2"), "vk_gamma_2", p);
    AffineG2 delta = SnarkjsJson.g2(root.get("vk_delta_2"), "vk_delta_2", p);
    CurveKey key = switch (curve) {
      case BN128 -> new Bn254Key(alpha, beta, gamma, delta, ic);
      case BLS12_381 -> new Bls12381Key(alpha, beta, gamma, delta, ic);
    };
    return new VerificationKey(curve, nPublic, key);
  }

  public Curve curve() {
    return curve;
  }

  /** How many public signals a proof under this key has. */
  public int nPublic() {
    return nPublic;
  }

  CurveKey curveKey() {
    return curveKey;
  }

  @Override
  public String toString() {
    return "VerificationKey[" + curve.snarkjsName() + ", nPublic=" + nPublic + "]";
  }
}
