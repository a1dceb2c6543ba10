package io.assay.task.zk.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.milagro.amcl.BLS381.ECP;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP2;
import io.assay.task.zk.groth16.bn254.Fp2;
import io.assay.task.zk.groth16.bn254.G2;
import java.math.BigInteger;

/**
 * The snarkjs fixtures of this package (made by make-fixtures.sh): circuits "mul" (2 public
 * signals) and "square" (1), on "bn128" and "bls12381", proofs 0 to 3 each. Plus helpers that
 * tamper with them.
 */
final class Fixtures {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int PROOFS = 4;

  private Fixtures() {}

  static byte[] keyBytes(String curve, String circuit) {
    return bytes(curve + "/" + circuit + "/verification_key.json");
  }

  static VerificationKey key(String curve, String circuit) {
    return VerificationKey.parse(keyBytes(curve, circuit));
  }

  static ObjectNode proof(String curve, String circuit, int i) {
    return (ObjectNode) tree(curve + "/" + circuit + "/proof-" + i + ".json");
  }

  static List<String> signals(String curve, String circuit, int i) {
    List<String> signals = new ArrayList<>();
    tree(curve + "/" + circuit + "/public-" + i + ".json").forEach(n -> signals.add(n.asText()));
    return signals;
  }

  static JsonNode tree(String path) {
    try {
      return JSON.readTree(bytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy of the proof with one coordinate string replaced; path like "pi_b/1/0". */
  static ObjectNode withCoordinate(ObjectNode proof, String path, String value) {
    ObjectNode copy = proof.deepCopy();
    String[] steps = path.split("/");
    JsonNode node = copy.get(steps[0]);
    for (int i = 1; i < steps.length - 1; i++) {
      node = node.get(Integer.parseInt(steps[i]));
    }
    ((ArrayNode) node).set(Integer.parseInt(steps[steps.length - 1]), value);
    return copy;
  }

  static String plusOne(String decimal) {
    return new BigInteger(decimal).add(BigInteger.ONE).toString();
  }

  /** A copy with pi_b replaced by a point on the twist that is not in G2, for the proof's curve. */
  static ObjectNode withG2OutsideSubgroup(ObjectNode proof, String curve) {
    String[] c = curve.equals("bn128") ? bn254TwistPoint() : bls12381TwistPoint();
    ObjectNode copy = proof.deepCopy();
    ArrayNode b = copy.putArray("pi_b");
    b.addArray().add(c[0]).add(c[1]);
    b.addArray().add(c[2]).add(c[3]);
    b.addArray().add("1").add("0");
    return copy;
  }

  /** A copy with pi_a replaced by a point on the BLS12-381 curve outside G1. */
  static ObjectNode withBlsG1OutsideSubgroup(ObjectNode proof) {
    for (int x = 1; ; x++) {
      ECP p = new ECP(Bls12381Key.big(BigInteger.valueOf(x)), 0);
      if (!p.is_infinity()) {
        p.affine();
        ObjectNode copy = proof.deepCopy();
        copy.putArray("pi_a").add(dec(p.getX().toString())).add(dec(p.getY().toString())).add("1");
        return copy;
      }
    }
  }

  private static String[] bn254TwistPoint() {
    for (int x = 1; ; x++) {
      G2 q = G2.withX(Fp2.of(BigInteger.valueOf(x), BigInteger.ONE));
      if (q != null) {
        return new String[] {q.affineX().c0.toString(), q.affineX().c1.toString(),
            q.affineY().c0.toString(), q.affineY().c1.toString()};
      }
    }
  }

  private static String[] bls12381TwistPoint() {
    for (int x = 1; ; x++) {
      ECP2 q = new ECP2(new FP2(Bls12381Key.big(BigInteger.valueOf(x)), Bls12381Key.big(BigInteger.ONE)));
      if (!q.is_infinity()) {
        q.affine();
        return new String[] {dec(q.getX().getA().toString()), dec(q.getX().getB().toString()),
            dec(q.getY().getA().toString()), dec(q.getY().getB().toString())};
      }
    }
  }

  /** Milagro prints BIGs in hex. */
  private static String dec(String hex) {
    return new BigInteger(hex, 16).toString();
  }
}
