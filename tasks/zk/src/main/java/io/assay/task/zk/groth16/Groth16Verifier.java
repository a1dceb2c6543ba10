package io.assay.task.zk.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies snarkjs Groth16 proofs in process, on BN254 ("bn128", the project's own pairing) and
 * BLS12-381 ("bls12381", Apache Milagro), reading snarkjs's JSON as it is.
 *
 * <p>A proof is valid when, in this order: its {@code protocol} is "groth16"; its {@code curve},
 * if present, is the key's; {@code pi_a}, {@code pi_b} and {@code pi_c} are points of snarkjs's
 * shape with coordinates below the field modulus, on the curve and in the right subgroup; there
 * are exactly nPublic public signals, each a canonical decimal below the scalar field order r; and
 * the pairing equation e(A, B) = e(alpha, beta) e(vk_x, gamma) e(C, delta) holds. The first
 * failed check is the verdict's reason. Bad input of any shape gives an invalid verdict, never an
 * exception.
 *
 * <p>Stateless apart from its random source, and thread-safe: one instance can serve all
 * workers. Verification is CPU work of milliseconds; run it on a worker, not an event loop.
 */
public final class Groth16Verifier {

  /** One proof with its public signals, as snarkjs writes them. */
  public record ProofAndSignals(JsonNode proof, List<String> publicSignals) {}

  private final SecureRandom random;

  public Groth16Verifier() {
    this(new SecureRandom());
  }

  /** With a given source of the batch weights (for tests; production wants the default). */
  Groth16Verifier(SecureRandom random) {
    this.random = random;
  }

  /** Checks one proof; see the class comment for the checks. */
  public Verdict verify(VerificationKey key, JsonNode proof, List<String> publicSignals) {
    try {
      Decoded decoded = decode(key, proof, publicSignals);
      return key.curveKey().check(decoded.proof, decoded.signals)
          ? Verdict.ok()
          : Verdict.invalid("pairing check failed: the proof does not match these public signals under this key");
    } catch (RejectedInput e) {
      return Verdict.invalid(e.getMessage());
    }
  }

  /**
   * Checks many proofs against one key, one verdict per item in order. Items that fail a
   * structural check (shape, curve, subgroup, signals) get their reason at once; the others are
   * checked together by one random linear combination of their pairing equations (independent
   * 128-bit weights from a SecureRandom), which costs one Miller loop per proof plus one shared
   * final exponentiation. If the combination fails, each of them is checked on its own so the
   * verdicts say which ones are bad.
   */
  public List<Verdict> verifyBatch(VerificationKey key, List<ProofAndSignals> items) {
    Verdict[] verdicts = new Verdict[items.size()];
    List<Integer> positions = new ArrayList<>();
    List<CurveKey.DecodedProof> proofs = new ArrayList<>();
    List<BigInteger[]> signals = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ProofAndSignals item = items.get(i);
      try {
        Decoded decoded = item == null
            ? reject("no proof")
            : decode(key, item.proof(), item.publicSignals());
        positions.add(i);
        proofs.add(decoded.proof);
        signals.add(decoded.signals);
      } catch (RejectedInput e) {
        verdicts[i] = Verdict.invalid(e.getMessage());
      }
    }
    if (!proofs.isEmpty()) {
      if (proofs.size() > 1 && key.curveKey().checkAll(proofs, signals, random)) {
        positions.forEach(i -> verdicts[i] = Verdict.ok());
      } else {
        for (int k = 0; k < proofs.size(); k++) {
          verdicts[positions.get(k)] = key.curveKey().check(proofs.get(k), signals.get(k))
              ? Verdict.ok()
              : Verdict.invalid("pairing check failed: the proof does not match these public signals under this key");
        }
      }
    }
    return Arrays.asList(verdicts);
  }

  private record Decoded(CurveKey.DecodedProof proof, BigInteger[] signals) {}

  private static Decoded reject(String reason) {
    throw new RejectedInput(reason);
  }

  private static Decoded decode(VerificationKey key, JsonNode proof, List<String> publicSignals) {
    if (proof == null || !proof.isObject()) {
      throw new RejectedInput("proof is not a JSON object");
    }
    JsonNode protocol = proof.get("protocol");
    if (protocol == null || !"groth16".equals(protocol.asText())) {
      throw new RejectedInput("proof protocol is " + (protocol == null ? "missing" : SnarkjsJson.abbreviate(protocol.asText()))
          + ", expected 'groth16'");
    }
    JsonNode curveName = proof.get("curve");
    if (curveName != null) {
      Curve curve;
      try {
        curve = Curve.fromSnarkjs(curveName.asText());
      } catch (IllegalArgumentException e) {
        throw new RejectedInput("proof " + e.getMessage());
      }
      if (curve != key.curve()) {
        throw new RejectedInput("proof is on " + curve.snarkjsName() + " but the key is on " + key.curve().snarkjsName());
      }
    }
    BigInteger p = key.curve().baseField();
    AffineG1 a = SnarkjsJson.g1(proof.get("pi_a"), "pi_a", p);
    AffineG2 b = SnarkjsJson.g2(proof.get("pi_b"), "pi_b", p);
    AffineG1 c = SnarkjsJson.g1(proof.get("pi_c"), "pi_c", p);
    BigInteger[] signals = signals(key, publicSignals);
    return new Decoded(key.curveKey().decode(a, b, c), signals);
  }

  private static BigInteger[] signals(VerificationKey key, List<String> publicSignals) {
    if (publicSignals == null) {
      throw new RejectedInput("no public signals");
    }
    if (publicSignals.size() != key.nPublic()) {
      throw new RejectedInput("expected " + key.nPublic() + " public signals, got " + publicSignals.size());
    }
    BigInteger r = key.curve().scalarField();
    BigInteger[] values = new BigInteger[publicSignals.size()];
    for (int i = 0; i < values.length; i++) {
      String what = "public signal " + i;
      values[i] = SnarkjsJson.decimal(publicSignals.get(i), what);
      if (values[i].compareTo(r) >= 0) {
        throw new RejectedInput(what + " is not below the scalar field order r");
      }
    }
    return values;
  }
}
