package io.assay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.task.zk.groth16.Groth16Verifier;
import io.assay.task.zk.groth16.Groth16Verifier.ProofAndSignals;
import io.assay.task.zk.groth16.Verdict;
import io.assay.task.zk.groth16.VerificationKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Groth16 verifications per second, per curve: the in-process Java verifier one proof at a time
 * and in batches, against {@code snarkjs groth16 verify} run as a subprocess per proof (how
 * validators that shell out to Node verify today). One op = one proof in every benchmark.
 *
 * <p>What it verifies: the zk task's reference circuit, {@code timeseries-mlp-<curve>} (8 public
 * signals), its key from the assay-task-zk jar and its three snarkjs proof fixtures from
 * {@code tasks/zk/src/test/resources/io/assay/task/zk/fixtures}, found by walking up from the
 * working directory (run from the repository). Every proof must verify in setup, or the
 * benchmark refuses to run.
 *
 * <ul>
 *   <li>{@code javaSingle}: {@link Groth16Verifier#verify}, the three proofs in turn, JSON already
 *       parsed (as the gateway holds it), point decoding and subgroup checks included;
 *   <li>{@code javaBatch16} / {@code javaBatch64}: {@link Groth16Verifier#verifyBatch} over 16 or 64
 *       proofs (the fixtures repeated; each gets its own random weight);
 *   <li>{@code snarkjsSubprocess}: {@code node snarkjs groth16 verify vk public proof}, files
 *       written once in setup, one process per proof.
 * </ul>
 *
 * <p>Targets: javaSingle at least 20x snarkjsSubprocess; batched at least 3x javaSingle per
 * proof. Run: {@code ./mvnw -q -Pbench -DskipTests package -pl bench -am}, then from the
 * repository root {@code java -jar bench/target/benchmarks.jar Groth16Bench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 4)
@Measurement(iterations = 5, time = 4)
public class Groth16Bench {

  private static final String FIXTURES = "tasks/zk/src/test/resources/io/assay/task/zk/fixtures/";
  private static final String SNARKJS = "tasks/zk/node/node_modules/.bin/snarkjs";
  private static final int PROOFS = 3;

  @Param({"bn128", "bls12381"})
  public String curve;

  private final Groth16Verifier verifier = new Groth16Verifier();
  private VerificationKey key;
  private final List<ProofAndSignals> proofs = new ArrayList<>();
  private List<ProofAndSignals> batch16;
  private List<ProofAndSignals> batch64;
  private Path snarkjs;
  private Path workDir;
  private int next;

  @Setup
  public void setUp() throws IOException, InterruptedException {
    Path repo = repositoryRoot();
    String circuit = "timeseries-mlp-" + curve;
    byte[] keyJson = resource("/io/assay/task/zk/circuits/" + circuit + "/verification_key.json");
    key = VerificationKey.parse(keyJson);
    ObjectMapper json = new ObjectMapper();
    workDir = Files.createTempDirectory("groth16-bench");
    Files.write(workDir.resolve("vk.json"), keyJson);
    for (int i = 1; i <= PROOFS; i++) {
      Path proofFile = repo.resolve(FIXTURES + circuit + "/proof-" + i + ".json");
      Path publicFile = repo.resolve(FIXTURES + circuit + "/public-" + i + ".json");
      JsonNode proof = json.readTree(proofFile.toFile());
      List<String> signals = new ArrayList<>();
      json.readTree(publicFile.toFile()).forEach(s -> signals.add(s.asText()));
      proofs.add(new ProofAndSignals(proof, signals));
      Files.copy(proofFile, workDir.resolve("proof-" + i + ".json"));
      Files.copy(publicFile, workDir.resolve("public-" + i + ".json"));
    }
    batch16 = repeat(16);
    batch64 = repeat(64);
    snarkjs = repo.resolve(SNARKJS);
    for (int i = 0; i < PROOFS; i++) {
      Verdict verdict = verifier.verify(key, proofs.get(i).proof(), proofs.get(i).publicSignals());
      if (!verdict.valid() || !snarkjsVerifies(i + 1)) {
        throw new IllegalStateException("fixture proof " + (i + 1) + " does not verify: " + verdict);
      }
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    try (var files = Files.list(workDir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(workDir);
  }

  @Benchmark
  public boolean javaSingle() {
    ProofAndSignals p = proofs.get(next++ % PROOFS);
    return check(verifier.verify(key, p.proof(), p.publicSignals()));
  }

  @Benchmark
  @OperationsPerInvocation(16)
  public boolean javaBatch16() {
    return verifier.verifyBatch(key, batch16).stream().allMatch(Groth16Bench::check);
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public boolean javaBatch64() {
    return verifier.verifyBatch(key, batch64).stream().allMatch(Groth16Bench::check);
  }

  @Benchmark
  public boolean snarkjsSubprocess() throws IOException, InterruptedException {
    return snarkjsVerifies(next++ % PROOFS + 1);
  }

  private boolean snarkjsVerifies(int i) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("node", snarkjs.toString(), "groth16", "verify",
        workDir.resolve("vk.json").toString(), workDir.resolve("public-" + i + ".json").toString(),
        workDir.resolve("proof-" + i + ".json").toString())
        .redirectErrorStream(true)
        .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("snarkjs did not finish in 60 s");
    }
    return check(process.exitValue() == 0 && output.contains("OK!"));
  }

  private static boolean check(Verdict verdict) {
    return check(verdict.valid());
  }

  /** A benchmark that stopped verifying would measure the wrong thing: fail loudly. */
  private static boolean check(boolean valid) {
    if (!valid) {
      throw new IllegalStateException("a fixture proof failed to verify");
    }
    return true;
  }

  private List<ProofAndSignals> repeat(int n) {
    List<ProofAndSignals> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(proofs.get(i % PROOFS));
    }
    return batch;
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(FIXTURES)) && Files.exists(p.resolve(SNARKJS))) {
        return p;
      }
    }
    throw new IllegalStateException("run from the repository (needs " + FIXTURES + " and " + SNARKJS + ")");
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Groth16Bench.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
