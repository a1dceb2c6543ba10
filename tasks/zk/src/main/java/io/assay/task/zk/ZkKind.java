package io.assay.task.zk;

import io.assay.doctor.Check;
import io.assay.doctor.Finding;
import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.LocalRoute;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import io.assay.task.WorkUnit;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.Circuits;
import io.assay.task.zk.groth16.Groth16Verifier;
import io.assay.task.zk.prover.NodeAvailability;
import io.assay.task.zk.prover.NodeProver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The {@code zk-proof} task kind: verified inference. A user sends {@code POST /v1/proofs}
 * {@code {circuit, input}}; a miner runs the circuit's model and proves with Groth16 (snarkjs in
 * a Node worker) that this exact model, fingerprinted by a Poseidon commitment to its private
 * weights, computed the output from this exact input and the validator's nonce; the validator
 * verifies in Java (BN254 in the project, BLS12-381 with Milagro) before answering.
 *
 * <p>A zk task's model is a circuit name ({@code timeseries-mlp-bn128}, {@code
 * timeseries-mlp-bls12381}); requests may name a circuit by name or id (SHA-256 of its
 * verification key). Work is counted per proof in the circuit's work units: {@code
 * ceil(constraints / 1000)}, so bigger circuits pay more. Speed is scored by response time
 * ({@link Task#responseTimeout()}, SCORING.md section 7).
 *
 * <p>Registered through {@code META-INF/services}; stateless apart from the circuits it loads.
 */
public final class ZkKind implements TaskKind {

  public static final String NAME = "zk-proof";

  private static final WorkUnit UNIT = new WorkUnit("proof_units",
      "Proofs weighted by circuit size: each proof counts ceil(constraints / 1000) units.");

  private final Circuits circuits;
  private final Groth16Verifier verifier = new Groth16Verifier();

  public ZkKind() {
    this(Circuits.builtIn());
  }

  ZkKind(Circuits circuits) {
    this.circuits = circuits;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WorkUnit workUnit() {
    return UNIT;
  }

  @Override
  public List<String> paths() {
    return List.of(ZkRequest.PATH);
  }

  @Override
  public TaskRequest parseRequest(String path, byte[] body) {
    if (!ZkRequest.PATH.equals(path)) {
      throw new IllegalArgumentException("the zk-proof kind does not answer " + path);
    }
    return ZkRequestParser.parse(body, circuits);
  }

  /**
   * @throws IllegalArgumentException when {@code spec}'s model is no shipped circuit
   */
  @Override
  public Task bind(TaskSpec spec) {
    return new ZkTask(spec, circuit(spec), verifier);
  }

  @Override
  public List<String> referenceModels() {
    return circuits.all().stream().map(Circuit::name).toList();
  }

  /**
   * A backend proving with the process's Node worker; unavailable (no capacity declared) when
   * Node or the npm packages are missing. Proving runs in Node, not on {@code workers}.
   */
  @Override
  public Optional<Backend> referenceBackend(TaskSpec spec, Executor workers) {
    circuit(spec);
    return Optional.of(new ProverBackend(NodeProver.availability()));
  }

  /**
   * Proving needs Node and the snarkjs npm packages ({@link NodeAvailability}); verifying, a
   * checker's and a gateway's part, needs nothing outside the JVM.
   */
  @Override
  public List<Check> backendPrerequisites(TaskSpec spec) {
    circuit(spec);
    return List.of(Check.of("node and snarkjs", NODE_FIX, () -> {
      NodeAvailability node = NodeProver.availability();
      return node.ready()
          ? Finding.ok(node.node() + ", snarkjs in " + node.nodeModules())
          : Finding.missing(node.reason(), NODE_FIX);
    }));
  }

  private static final String NODE_FIX = "install Node.js 18 or later (or set ASSAY_NODE) and"
      + " run 'npm ci' in tasks/zk/node (or set ASSAY_ZK_NODE_DIR to a folder holding"
      + " node_modules/snarkjs)";

  /** Proofs are made by the miner's own prover; there is no model server to forward to. */
  @Override
  public Backend upstreamBackend(TaskSpec spec, UpstreamConfig upstream) {
    throw new IllegalArgumentException("task " + spec.id() + ": zk proofs are made by the"
        + " miner's Node prover (backend: reference); there is no upstream server for them");
  }

  @Override
  public Optional<Checker> referenceChecker(TaskSpec spec) {
    return Optional.of(new ZkChecker(new ZkTask(spec, circuit(spec), verifier), verifier));
  }

  @Override
  public List<LocalRoute> localRoutes(List<Task> tasks) {
    List<ZkTask> zk = new ArrayList<>();
    for (Task t : tasks) {
      if (t instanceof ZkTask z) {
        zk.add(z);
      }
    }
    return new CircuitRoutes(zk, verifier).routes();
  }

  private Circuit circuit(TaskSpec spec) {
    if (!NAME.equals(spec.kind())) {
      throw new IllegalArgumentException(
          "the zk-proof kind cannot bind task " + spec.id() + " of kind " + spec.kind());
    }
    return circuits.byName(spec.model()).orElseThrow(() -> new IllegalArgumentException(
        "task " + spec.id() + ": no circuit named '" + spec.model() + "'; shipped circuits: "
            + referenceModels()));
  }
}
