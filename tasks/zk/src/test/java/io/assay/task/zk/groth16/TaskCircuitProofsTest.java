package io.assay.task.zk.groth16;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proofs snarkjs made for the task's own circuit (circuits/ and fixtures/ of this module) verify. */
class TaskCircuitProofsTest {

  private static final String CIRCUITS = "/io/assay/task/zk/circuits/";
  private static final String FIXTURES = "/io/assay/task/zk/fixtures/";

  @ParameterizedTest
  @ValueSource(strings = {"timeseries-mlp-bn128", "timeseries-mlp-bls12381"})
  void circuitFixtures_verifySinglyAndInABatch(String circuit) throws IOException {
    VerificationKey key = VerificationKey.parse(read(CIRCUITS + circuit + "/verification_key.json"));
    Groth16Verifier verifier = new Groth16Verifier();
    List<Groth16Verifier.ProofAndSignals> batch = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      JsonNode proof = Fixtures.JSON.readTree(read(FIXTURES + circuit + "/proof-" + i + ".json"));
      List<String> signals = new ArrayList<>();
      Fixtures.JSON.readTree(read(FIXTURES + circuit + "/public-" + i + ".json")).forEach(s -> signals.add(s.asText()));
      assertThat(verifier.verify(key, proof, signals)).as("proof %d", i).isEqualTo(Verdict.ok());
      batch.add(new Groth16Verifier.ProofAndSignals(proof, signals));
    }
    assertThat(verifier.verifyBatch(key, batch)).containsOnly(Verdict.ok());
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = TaskCircuitProofsTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return in.readAllBytes();
    }
  }
}
