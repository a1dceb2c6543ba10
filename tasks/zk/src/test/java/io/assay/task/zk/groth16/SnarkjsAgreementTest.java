package io.assay.task.zk.groth16;

import static io.assay.task.zk.groth16.Fixtures.plusOne;
import static io.assay.task.zk.groth16.Fixtures.proof;
import static io.assay.task.zk.groth16.Fixtures.signals;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Java's verdict equals {@code snarkjs groth16 verify}'s on valid and tampered proofs. Runs node
 * from PATH and snarkjs from tasks/zk/node/node_modules (found by walking up from the working
 * directory); skipped when either is missing. About half a second per case.
 */
class SnarkjsAgreementTest {

  private static Path snarkjs;

  @TempDir Path dir;

  @BeforeAll
  static void findSnarkjs() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("tasks/zk/node/node_modules/.bin/snarkjs");
      if (Files.exists(candidate)) {
        snarkjs = candidate;
        return;
      }
    }
  }

  record Case(String name, String curve, String keyCircuit, JsonNode proof, List<String> signals) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    List<Case> cases = new ArrayList<>();
    for (String curve : List.of("bn128", "bls12381")) {
      cases.add(new Case(curve + " valid", curve, "mul", proof(curve, "mul", 1), signals(curve, "mul", 1)));
      List<String> changed = new ArrayList<>(signals(curve, "mul", 1));
      changed.set(0, plusOne(changed.get(0)));
      cases.add(new Case(curve + " changed signal", curve, "mul", proof(curve, "mul", 1), changed));
      ObjectNode swapped = proof(curve, "mul", 1);
      swapped.set("pi_c", proof(curve, "mul", 2).get("pi_c"));
      cases.add(new Case(curve + " pi_c of another proof", curve, "mul", swapped, signals(curve, "mul", 1)));
      cases.add(new Case(curve + " pi_b outside G2", curve, "mul",
          Fixtures.withG2OutsideSubgroup(proof(curve, "mul", 1), curve), signals(curve, "mul", 1)));
    }
    cases.add(new Case("bn128 key of another circuit", "bn128", "square", proof("bn128", "mul", 1),
        signals("bn128", "mul", 1).subList(0, 1)));
    cases.add(new Case("bn128 pi_a off the curve", "bn128", "mul",
        Fixtures.withCoordinate(proof("bn128", "mul", 1), "pi_a/1", "5"), signals("bn128", "mul", 1)));
    return cases.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void javaVerdict_equalsSnarkjs(Case c) throws Exception {
    // The build installs snarkjs (npm ci in tasks/zk/node): its absence is a failure, not a skip.
    assertThat(snarkjs).as("snarkjs installed under tasks/zk/node").isNotNull();
    byte[] key = Fixtures.keyBytes(c.curve, c.keyCircuit);
    Path keyFile = Files.write(dir.resolve("vk.json"), key);
    Path proofFile = Files.writeString(dir.resolve("proof.json"), c.proof.toString());
    Path publicFile = Files.writeString(dir.resolve("public.json"),
        Fixtures.JSON.writeValueAsString(c.signals));

    boolean snarkjsValid = runSnarkjs(keyFile, publicFile, proofFile);
    Verdict verdict = new Groth16Verifier().verify(VerificationKey.parse(key), c.proof, c.signals);

    assertThat(verdict.valid()).as("java (%s) vs snarkjs", verdict.reason()).isEqualTo(snarkjsValid);
  }

  private static boolean runSnarkjs(Path key, Path publicSignals, Path proof) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("node", snarkjs.toString(), "groth16", "verify",
        key.toString(), publicSignals.toString(), proof.toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("snarkjs finished").isTrue();
    return process.exitValue() == 0 && output.contains("OK!");
  }
}
