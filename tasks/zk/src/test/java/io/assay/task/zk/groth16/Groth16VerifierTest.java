package io.assay.task.zk.groth16;

import static io.assay.task.zk.groth16.Fixtures.key;
import static io.assay.task.zk.groth16.Fixtures.plusOne;
import static io.assay.task.zk.groth16.Fixtures.proof;
import static io.assay.task.zk.groth16.Fixtures.signals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.zk.groth16.Groth16Verifier.ProofAndSignals;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Groth16VerifierTest {

  private final Groth16Verifier verifier = new Groth16Verifier();

  static Stream<Arguments> allProofs() {
    List<Arguments> cases = new ArrayList<>();
    for (String curve : List.of("bn128", "bls12381")) {
      for (String circuit : List.of("mul", "square")) {
        for (int i = 0; i < Fixtures.PROOFS; i++) {
          cases.add(Arguments.of(curve, circuit, i));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} proof {2}")
  @MethodSource("allProofs")
  void snarkjsProof_verifies(String curve, String circuit, int i) {
    Verdict verdict = verifier.verify(key(curve, circuit), proof(curve, circuit, i), signals(curve, circuit, i));
    assertThat(verdict).isEqualTo(Verdict.ok());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void keyParse_readsCurveAndSignalCount(String curve) {
    VerificationKey key = key(curve, "mul");
    assertThat(key.curve()).isEqualTo(Curve.fromSnarkjs(curve));
    assertThat(key.nPublic()).isEqualTo(2);
  }

  static Stream<Arguments> coordinates() {
    List<Arguments> cases = new ArrayList<>();
    for (String curve : List.of("bn128", "bls12381")) {
      for (String path : List.of("pi_a/0", "pi_a/1", "pi_b/0/0", "pi_b/0/1", "pi_b/1/0", "pi_b/1/1", "pi_c/0", "pi_c/1")) {
        cases.add(Arguments.of(curve, path));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("coordinates")
  void changedProofCoordinate_isRejected(String curve, String path) {
    ObjectNode proof = proof(curve, "mul", 0);
    String old = proof.at("/" + path).asText();
    Verdict verdict = verifier.verify(key(curve, "mul"), Fixtures.withCoordinate(proof, path, plusOne(old)), signals(curve, "mul", 0));
    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.reason()).contains(path.substring(0, 4));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void pointsSwappedBetweenValidProofs_failThePairingCheck(String curve) {
    ObjectNode proof = proof(curve, "mul", 0);
    proof.set("pi_c", proof(curve, "mul", 1).get("pi_c"));
    Verdict verdict = verifier.verify(key(curve, "mul"), proof, signals(curve, "mul", 0));
    assertThat(verdict.valid()).isFalse();
    assertThat(verdict.reason()).startsWith("pairing check failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void changedPublicSignal_failsThePairingCheck(String curve) {
    for (int s = 0; s < 2; s++) {
      List<String> signals = new ArrayList<>(signals(curve, "mul", 0));
      signals.set(s, plusOne(signals.get(s)));
      Verdict verdict = verifier.verify(key(curve, "mul"), proof(curve, "mul", 0), signals);
      assertThat(verdict.valid()).isFalse();
      assertThat(verdict.reason()).startsWith("pairing check failed");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void anotherCircuitsKey_isRejected(String curve) {
    Verdict wrongCount = verifier.verify(key(curve, "square"), proof(curve, "mul", 0), signals(curve, "mul", 0));
    assertThat(wrongCount.reason()).isEqualTo("expected 1 public signals, got 2");
    Verdict sameCount = verifier.verify(key(curve, "square"), proof(curve, "mul", 0), signals(curve, "mul", 0).subList(0, 1));
    assertThat(sameCount.reason()).startsWith("pairing check failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void pointOffTheCurve_isRejected(String curve) {
    ObjectNode proof = Fixtures.withCoordinate(proof(curve, "mul", 0), "pi_a/1", "5");
    assertThat(verifier.verify(key(curve, "mul"), proof, signals(curve, "mul", 0)).reason())
        .isEqualTo("pi_a is not on the curve");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void g2PointOnTheTwistOutsideTheSubgroup_isRejected(String curve) {
    ObjectNode proof = Fixtures.withG2OutsideSubgroup(proof(curve, "mul", 0), curve);
    assertThat(verifier.verify(key(curve, "mul"), proof, signals(curve, "mul", 0)).reason())
        .isEqualTo("pi_b is not in the G2 subgroup");
  }

  @Test
  void blsG1PointOutsideTheSubgroup_isRejected() {
    ObjectNode proof = Fixtures.withBlsG1OutsideSubgroup(proof("bls12381", "mul", 0));
    assertThat(verifier.verify(key("bls12381", "mul"), proof, signals("bls12381", "mul", 0)).reason())
        .isEqualTo("pi_a is not in the G1 subgroup");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void signalNotBelowTheFieldOrder_isRejected(String curve) {
    VerificationKey key = key(curve, "mul");
    List<String> signals = new ArrayList<>(signals(curve, "mul", 0));
    // r + s is s in the field, so an unreduced signal would otherwise verify.
    signals.set(0, key.curve().scalarField().add(new java.math.BigInteger(signals.get(0))).toString());
    assertThat(verifier.verify(key, proof(curve, "mul", 0), signals).reason())
        .isEqualTo("public signal 0 is not below the scalar field order r");
  }

  @Test
  void nonCanonicalSignals_areRejected() {
    VerificationKey key = key("bn128", "mul");
    for (String bad : List.of("038", "-38", "+38", "3.8", "", " 38", "0x26")) {
      List<String> signals = List.of(bad, signals("bn128", "mul", 0).get(1));
      assertThat(verifier.verify(key, proof("bn128", "mul", 0), signals).reason())
          .as(bad).startsWith("public signal 0 is not a canonical decimal");
    }
  }

  @Test
  void wrongSignalCount_isRejected() {
    assertThat(verifier.verify(key("bn128", "mul"), proof("bn128", "mul", 0), List.of("38")).reason())
        .isEqualTo("expected 2 public signals, got 1");
  }

  @Test
  void wrongProtocolOrCurve_isRejected() {
    VerificationKey key = key("bn128", "mul");
    List<String> signals = signals("bn128", "mul", 0);
    ObjectNode plonk = proof("bn128", "mul", 0).put("protocol", "plonk");
    assertThat(verifier.verify(key, plonk, signals).reason()).isEqualTo("proof protocol is 'plonk', expected 'groth16'");
    ObjectNode bls = proof("bn128", "mul", 0).put("curve", "bls12381");
    assertThat(verifier.verify(key, bls, signals).reason()).isEqualTo("proof is on bls12381 but the key is on bn128");
    assertThat(verifier.verify(key("bls12381", "mul"), proof("bn128", "mul", 0), signals).reason())
        .isEqualTo("proof is on bn128 but the key is on bls12381");
  }

  @Test
  void malformedProofJson_givesAReasonNotAnException() throws Exception {
    VerificationKey key = key("bn128", "mul");
    List<String> signals = signals("bn128", "mul", 0);
    List<JsonNode> malformed = new ArrayList<>();
    malformed.add(null);
    malformed.add(Fixtures.JSON.readTree("[]"));
    malformed.add(Fixtures.JSON.readTree("\"proof\""));
    malformed.add(proof("bn128", "mul", 0).without("pi_a"));
    malformed.add(proof("bn128", "mul", 0).put("pi_b", "x"));
    malformed.add(proof("bn128", "mul", 0).set("pi_c", Fixtures.JSON.readTree("[1, 2, 1]")));
    malformed.add(proof("bn128", "mul", 0).set("pi_b", Fixtures.JSON.readTree("[[\"1\"], [\"2\", \"3\"], [\"1\", \"0\"]]")));
    malformed.add(proof("bn128", "mul", 0).set("pi_a", Fixtures.JSON.readTree("[\"1\", \"2\", \"7\"]")));
    malformed.add(Fixtures.withCoordinate(proof("bn128", "mul", 0), "pi_a/0", "9".repeat(5000)));
    malformed.add(Fixtures.withCoordinate(proof("bn128", "mul", 0), "pi_a/0", Curve.BN128.baseField().toString()));
    for (JsonNode proof : malformed) {
      Verdict verdict = verifier.verify(key, proof, signals);
      assertThat(verdict.valid()).as(String.valueOf(proof)).isFalse();
      assertThat(verdict.reason()).isNotBlank();
    }
    assertThat(verifier.verify(key, proof("bn128", "mul", 0), null).reason()).isEqualTo("no public signals");
  }

  @Test
  void infinityProofPoints_areDecodedAndFailThePairingCheck() {
    ObjectNode proof = proof("bn128", "mul", 0);
    proof.set("pi_a", Fixtures.JSON.createArrayNode().add("0").add("1").add("0"));
    assertThat(verifier.verify(key("bn128", "mul"), proof, signals("bn128", "mul", 0)).reason())
        .startsWith("pairing check failed");
  }

  @Test
  void badKeys_failToParseWithAReason() {
    String good = new String(Fixtures.keyBytes("bn128", "mul"), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> VerificationKey.parse("{".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> VerificationKey.parse(good.replace("\"groth16\"", "\"plonk\"").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("verification key: protocol is 'plonk', expected 'groth16'");
    assertThatThrownBy(() -> VerificationKey.parse(good.replace("\"bn128\"", "\"secp256k1\"").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported curve 'secp256k1'");
    assertThatThrownBy(() -> VerificationKey.parse(good.replace("\"nPublic\": 2", "\"nPublic\": 3").getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("verification key: IC must be an array of nPublic + 1 = 4 G1 points");
    ObjectNode offCurve = (ObjectNode) Fixtures.tree("bn128/mul/verification_key.json");
    offCurve.set("vk_alpha_1", Fixtures.JSON.createArrayNode().add("1").add("3").add("1"));
    assertThatThrownBy(() -> VerificationKey.parse(offCurve.toString().getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("verification key: vk_alpha_1 is not on the curve");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void batchOfValidProofs_allPass(String curve) {
    List<ProofAndSignals> batch = new ArrayList<>();
    for (int i = 0; i < Fixtures.PROOFS; i++) {
      batch.add(new ProofAndSignals(proof(curve, "mul", i), signals(curve, "mul", i)));
    }
    assertThat(verifier.verifyBatch(key(curve, "mul"), batch)).containsOnly(Verdict.ok()).hasSize(Fixtures.PROOFS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bn128", "bls12381"})
  void batchWithOneBadProof_namesExactlyThatOne(String curve) {
    List<ProofAndSignals> batch = new ArrayList<>();
    for (int i = 0; i < Fixtures.PROOFS; i++) {
      List<String> signals = new ArrayList<>(signals(curve, "mul", i));
      if (i == 2) {
        signals.set(1, plusOne(signals.get(1)));
      }
      batch.add(new ProofAndSignals(proof(curve, "mul", i), signals));
    }
    batch.add(new ProofAndSignals(proof(curve, "mul", 0).put("protocol", "plonk"), signals(curve, "mul", 0)));
    List<Verdict> verdicts = verifier.verifyBatch(key(curve, "mul"), batch);
    assertThat(verdicts).hasSize(5);
    assertThat(verdicts.get(0)).isEqualTo(Verdict.ok());
    assertThat(verdicts.get(1)).isEqualTo(Verdict.ok());
    assertThat(verdicts.get(2).reason()).startsWith("pairing check failed");
    assertThat(verdicts.get(3)).isEqualTo(Verdict.ok());
    assertThat(verdicts.get(4).reason()).contains("protocol");
  }
}
