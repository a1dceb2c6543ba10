package io.assay.task.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Delivery;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Json;
import io.assay.task.SyntheticGenerator;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.groth16.Groth16Verifier;
import io.assay.task.zk.groth16.Verdict;
import io.assay.task.zk.groth16.VerificationKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.random.RandomGenerator;

/**
 * The zk-proof kind bound to one circuit. Work is counted in the circuit's work units per proof
 * (its size, {@link Circuit#workUnits()}).
 *
 * <p>An answer is accepted only if its proof verifies against the circuit's key with the
 * commitment, input and nonce positions of its public signals overwritten by what the validator
 * expects (SCORING.md section 7): a proof for other inputs, another model or another request
 * fails. Verifying takes milliseconds of CPU, so {@link #readsAnswersOnWorker()} says so.
 *
 * <p>Thread-safe.
 */
final class ZkTask implements Task {

  /** Nonces are 248 random bits: below the scalar field order of both curves. */
  private static final int NONCE_BITS = 248;

  private static final SecureRandom NONCES = new SecureRandom();

  /** A field element of either curve in decimal: at most 78 digits, no sign, no leading zero. */
  private static final java.util.regex.Pattern CANONICAL_DECIMAL =
      java.util.regex.Pattern.compile("0|[1-9][0-9]{0,77}");

  private final TaskSpec spec;
  private final Circuit circuit;
  private final VerificationKey key;
  private final Groth16Verifier verifier;

  ZkTask(TaskSpec spec, Circuit circuit, Groth16Verifier verifier) {
    this.spec = spec;
    this.circuit = circuit;
    this.key = VerificationKey.parse(circuit.verificationKeyJson());
    this.verifier = verifier;
  }

  @Override
  public TaskSpec spec() {
    return spec;
  }

  Circuit circuit() {
    return circuit;
  }

  VerificationKey key() {
    return key;
  }

  @Override
  public long estimateUnits(TaskRequest request) {
    cast(request);
    return circuit.workUnits();
  }

  /**
   * Gives the request a fresh random nonce, whatever it carried: the validator picks every
   * nonce, so no proof made before the request can answer it.
   */
  @Override
  public List<TaskRequest> split(TaskRequest request) {
    return List.of(cast(request).withNonce(new BigInteger(NONCE_BITS, NONCES)));
  }

  /** {@code {"circuit": name, "input": {...}, "nonce": "..."}}. */
  @Override
  public byte[] minerRequestBody(TaskRequest request) {
    ZkRequest r = cast(request);
    if (r.nonce() == null) {
      throw new IllegalStateException("a zk request goes to a miner only with a nonce");
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("circuit", circuit.name());
    body.set("input", r.input());
    body.put("nonce", r.nonce().toString());
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads and verifies a miner's proof.
   *
   * @throws InvalidAnswerException when the body is malformed or the proof does not verify for
   *     this request, with the verifier's reason
   */
  @Override
  public ZkAnswer readAnswer(TaskRequest request, byte[] body) {
    ZkRequest r = cast(request);
    ZkAnswer answer = parse(body);
    Verdict verdict = verify(r, answer);
    if (!verdict.valid()) {
      throw new InvalidAnswerException("the proof does not verify: " + verdict.reason());
    }
    return answer;
  }

  /** Verifies {@code answer} against what {@code request} expects; never throws. */
  Verdict verify(ZkRequest request, ZkAnswer answer) {
    List<String> expected;
    try {
      expected = expectedSignals(request, answer);
    } catch (RuntimeException e) {
      return Verdict.invalid(e.getMessage());
    }
    return verifier.verify(key, answer.proof(), expected);
  }

  /**
   * The miner's public signals with the commitment, inputs and nonce overwritten by what this
   * request expects.
   *
   * @throws IllegalArgumentException when the miner's signals are not a list of decimals of the
   *     circuit's length
   */
  List<String> expectedSignals(ZkRequest request, ZkAnswer answer) {
    List<BigInteger> miner = new ArrayList<>(answer.publicSignals().size());
    for (String s : answer.publicSignals()) {
      // Checked before parsing: a miner's megabyte-long "number" must not cost a worker minutes.
      if (!CANONICAL_DECIMAL.matcher(s).matches()) {
        throw new IllegalArgumentException("public signal '" + abbreviate(s)
            + "' is not a canonical decimal field element");
      }
      miner.add(new BigInteger(s));
    }
    return circuit.inputMapping()
        .expectedPublicSignals(miner, request.inputSignals(), request.nonce())
        .stream().map(BigInteger::toString).toList();
  }

  @Override
  public long units(TaskRequest request, TaskAnswer answer) {
    return circuit.workUnits();
  }

  @Override
  public boolean readsAnswersOnWorker() {
    return true;
  }

  @Override
  public Optional<String> circuitId() {
    return Optional.of(circuit.id());
  }

  @Override
  public Optional<Duration> responseTimeout() {
    return Optional.of(circuit.timeout());
  }

  @Override
  public byte[] publicResponseBody(TaskRequest request, TaskAnswer answer) {
    return body(request, answer, Delivery.none());
  }

  /** As {@link #body}, at once. */
  @Override
  public CompletionStage<byte[]> publicResponse(TaskRequest request, TaskAnswer answer,
      Delivery delivery) {
    return CompletableFuture.completedFuture(body(request, answer, delivery));
  }

  /**
   * {@code {id, object, circuit, circuit_name, output, proof, public_signals, nonce, verified,
   * miner, timings}}: the proof and signals as snarkjs writes them, so {@code snarkjs groth16
   * verify} accepts them with the key from {@code GET /v1/circuits/{id}/verification_key}.
   */
  private byte[] body(TaskRequest request, TaskAnswer answer, Delivery delivery) {
    ZkRequest r = cast(request);
    ZkAnswer a = castAnswer(answer);
    List<String> signals = expectedSignals(r, a);
    ObjectNode body = Json.MAPPER.createObjectNode()
        .put("id", "proof-" + fingerprint(a))
        .put("object", "proof")
        .put("circuit", circuit.id())
        .put("circuit_name", circuit.name());
    List<BigInteger> values = signals.stream().map(BigInteger::new).toList();
    circuit.inputMapping().decodeOutputs(values).forEach(body.putArray("output")::add);
    body.set("proof", a.proof());
    signals.forEach(body.putArray("public_signals")::add);
    body.put("nonce", r.nonce() == null ? null : r.nonce().toString());
    body.put("verified", true);
    body.put("miner", delivery.miners().isEmpty() ? null : delivery.miners().get(0));
    body.putObject("timings").put("prove_ms", a.proveMillis()).put("total_ms", delivery.millis());
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Requests on the circuit's synthetic inputs, without a nonce: {@link #split} gives each one
   * from a secure source, as it does a user's ({@link SyntheticProofs}).
   */
  @Override
  public SyntheticGenerator syntheticGenerator() {
    return new SyntheticProofs(circuit);
  }

  /**
   * {@code request} as it is: a proof request has no seed, and what makes a replay's answer its
   * own is the nonce, which {@link #split} draws afresh for every request it sends.
   */
  @Override
  public TaskRequest reseed(TaskRequest request, RandomGenerator random) {
    return cast(request);
  }

  /**
   * {@code content} as it is: the circuit is the task and the series is the content, so a proof
   * request has no parameters to take from {@code shape} (its nonce is {@link #split}'s).
   */
  @Override
  public TaskRequest reshape(TaskRequest content, TaskRequest shape, RandomGenerator random) {
    cast(shape);
    return cast(content);
  }

  private static ZkAnswer parse(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new InvalidAnswerException("the answer is not JSON: " + e.getMessage());
    }
    JsonNode proof = root == null ? null : root.get("proof");
    JsonNode signals = root == null ? null : root.get("public_signals");
    if (proof == null || !proof.isObject() || signals == null || !signals.isArray()) {
      throw new InvalidAnswerException("the answer needs 'proof' (an object) and"
          + " 'public_signals' (an array)");
    }
    List<String> values = new ArrayList<>(signals.size());
    for (JsonNode s : signals) {
      if (!s.isTextual()) {
        throw new InvalidAnswerException("public signals must be decimal strings");
      }
      values.add(s.asText());
    }
    return new ZkAnswer(proof, values, Math.max(0, root.path("prove_ms").asLong(0)));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static String fingerprint(ZkAnswer answer) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(answer.toMinerBody());
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static ZkRequest cast(TaskRequest request) {
    if (request instanceof ZkRequest r) {
      return r;
    }
    throw new IllegalArgumentException("the zk-proof task was given a "
        + (request == null ? "null request" : request.getClass().getName()));
  }

  static ZkAnswer castAnswer(TaskAnswer answer) {
    if (answer instanceof ZkAnswer a) {
      return a;
    }
    throw new IllegalArgumentException("the zk-proof task was given a "
        + (answer == null ? "null answer" : answer.getClass().getName()));
  }

  @Override
  public String toString() {
    return "ZkTask[" + spec.id() + "]";
  }
}
