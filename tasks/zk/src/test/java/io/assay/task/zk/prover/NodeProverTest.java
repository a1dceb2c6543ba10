package io.assay.task.zk.prover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.InvalidRequestException;
import org.awaitility.Awaitility;
import io.assay.task.Json;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.Circuits;
import io.assay.task.zk.circuit.SyntheticInputs;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real proofs through a real node worker, checked by the snarkjs CLI. */
class NodeProverTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Circuits CIRCUITS = Circuits.builtIn();
  private static NodeAvailability node;
  private static NodeProver prover;

  @TempDir Path temp;

  @BeforeAll
  static void start() {
    node = NodeAvailability.detect();
    assertThat(node.ready()).as("%s", node.reason()).isTrue();
    prover = NodeProver.start(node, CIRCUITS, NodeProver.Options.defaults());
  }

  @AfterAll
  static void stop() {
    prover.close();
  }

  private static Circuit circuit(String name) {
    return CIRCUITS.byName(name).orElseThrow();
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Runs {@code snarkjs groth16 verify}; true when it prints OK. */
  private boolean snarkjsVerifies(Circuit c, List<BigInteger> signals, JsonNode proof)
      throws IOException, InterruptedException {
    Path vk = Files.write(temp.resolve("vk.json"), c.verificationKeyJson());
    Path pub = temp.resolve("public.json");
    Json.MAPPER.writeValue(pub.toFile(), signals.stream().map(BigInteger::toString).toList());
    Path prf = temp.resolve("proof.json");
    Json.MAPPER.writeValue(prf.toFile(), proof);
    Path cli = node.nodeModules().resolve("snarkjs/build/cli.cjs");
    Process p = new ProcessBuilder(node.node().toString(), cli.toString(), "groth16", "verify",
        vk.toString(), pub.toString(), prf.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 && out.contains("OK!");
  }

  @ParameterizedTest
  @ValueSource(strings = {"timeseries-mlp-bn128", "timeseries-mlp-bls12381"})
  void proof_verifiesWithSnarkjs_andCarriesInputsNonceAndCommitment(String name) throws Exception {
    Circuit c = circuit(name);
    JsonNode input = Json.MAPPER.readTree("{\"series\":[12.5, 13.1, 13.75, 14.2, 15.0]}");
    BigInteger nonce = new BigInteger("123456789012345678901234567890123456789");
    List<BigInteger> inputs = c.inputMapping().toSignals(input);

    ProofResult r = await(prover.prove(c, input, nonce));

    assertThat(r.publicSignals()).hasSize(c.nPublic());
    assertThat(r.publicSignals().get(c.layout().commitment())).isEqualTo(c.modelCommitmentValue());
    assertThat(r.publicSignals().get(c.layout().nonce())).isEqualTo(nonce);
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(r.publicSignals().get(c.layout().inputs().get(i))).isEqualTo(inputs.get(i));
    }
    assertThat(c.inputMapping().decodeOutputs(r.publicSignals()))
        .containsExactly(new BigDecimal("15.15234375"));
    assertThat(r.proof().path("curve").asText()).isEqualTo(c.curve().snarkjsName());
    List<BigInteger> expected = c.inputMapping().expectedPublicSignals(r.publicSignals(), inputs, nonce);
    assertThat(snarkjsVerifies(c, expected, r.proof())).isTrue();
  }

  @Test
  void proof_doesNotVerifyForAnotherNonce() throws Exception {
    Circuit c = circuit("timeseries-mlp-bn128");
    JsonNode input = new SyntheticInputs(c).next(new SplittableRandom(1));
    ProofResult r = await(prover.prove(c, input, BigInteger.valueOf(77)));
    List<BigInteger> other = c.inputMapping().expectedPublicSignals(
        r.publicSignals(), c.inputMapping().toSignals(input), BigInteger.valueOf(78));
    assertThat(snarkjsVerifies(c, other, r.proof())).isFalse();
  }

  @Test
  void manyRequests_areQueuedAndAllAnswered() throws Exception {
    Circuit c = circuit("timeseries-mlp-bn128");
    SyntheticInputs gen = new SyntheticInputs(c);
    SplittableRandom random = new SplittableRandom(5);
    List<CompletableFuture<ProofResult>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      futures.add(prover.prove(c, gen.next(random), BigInteger.valueOf(i)));
    }
    for (int i = 0; i < 4; i++) {
      assertThat(await(futures.get(i)).publicSignals().get(c.layout().nonce()))
          .isEqualTo(BigInteger.valueOf(i));
    }
  }

  @Test
  void invalidUserInput_failsAtOnceWithInvalidRequest() {
    Circuit c = circuit("timeseries-mlp-bn128");
    CompletableFuture<ProofResult> f =
        prover.prove(c, Json.MAPPER.createObjectNode().put("series", "x"), BigInteger.ONE);
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).hasCauseInstanceOf(InvalidRequestException.class);
  }

  @Test
  void badCircuitInput_givesAnErrorNotAHang_andTheWorkerKeepsServing() throws Exception {
    Circuit c = circuit("timeseries-mlp-bn128");
    JsonNode bad = Json.MAPPER.readTree("{\"series\":[\"1\"],\"nonce\":\"1\"}");
    assertThatThrownBy(() -> await(prover.submit(c, bad)))
        .hasCauseInstanceOf(ProverException.class)
        .hasMessageContaining("could not prove on timeseries-mlp-bn128");
    ProofResult ok = await(prover.prove(c, c.exampleInput(), BigInteger.TWO));
    assertThat(ok.publicSignals()).hasSize(c.nPublic());
  }

  @Test
  void killedWorker_failsTheInFlightProof_andTheNextOneSucceeds() throws Exception {
    Circuit c = circuit("timeseries-mlp-bls12381");
    // Make sure a worker is up, then kill it while it proves.
    await(prover.prove(c, c.exampleInput(), BigInteger.ONE));
    CompletableFuture<ProofResult> inFlight = prover.prove(c, c.exampleInput(), BigInteger.TWO);
    Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> prover.inFlightId() != 0 || inFlight.isDone());
    long pid = prover.workerPid().orElseThrow();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

    assertThatThrownBy(() -> inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .hasCauseInstanceOf(ProverException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("next request starts a new worker");
    ProofResult next = await(prover.prove(c, c.exampleInput(), BigInteger.TEN));
    assertThat(next.publicSignals().get(c.layout().nonce())).isEqualTo(BigInteger.TEN);
    assertThat(prover.workerPid().orElseThrow()).isNotEqualTo(pid);
  }

  @Test
  void closedProver_refusesNewRequests_andUnavailableNodeCannotStart() {
    NodeProver other = NodeProver.start(node, CIRCUITS, new NodeProver.Options(1));
    other.close();
    other.close();
    Circuit c = circuit("timeseries-mlp-bn128");
    assertThatThrownBy(() -> other.prove(c, c.exampleInput(), BigInteger.ONE).join())
        .isInstanceOf(CompletionException.class).hasMessageContaining("closed");
    NodeAvailability missing = new NodeAvailability(null, null, "no node here.");
    assertThatThrownBy(() -> NodeProver.start(missing, CIRCUITS, NodeProver.Options.defaults()))
        .isInstanceOf(ProverException.class).hasMessage("zk prover unavailable: no node here.");
  }
}
