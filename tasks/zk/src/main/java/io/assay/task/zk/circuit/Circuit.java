package io.assay.task.zk.circuit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.zk.groth16.Curve;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/**
 * One Groth16 circuit as shipped on the classpath: its metadata ({@code circuit.json}), its
 * verification key and, for the miner, its private model inputs ({@code model.json}).
 * Immutable and thread-safe: the mutable-typed components are defensively copied on access.
 *
 * @param name unique name, e.g. {@code timeseries-mlp-bn128}
 * @param id lower-case hex SHA-256 of the {@code verification_key.json} bytes
 * @param curve the curve it is proved on
 * @param description one line for {@code GET /v1/circuits}
 * @param layout positions of outputs, commitment, inputs and nonce in the public signals
 * @param nPublic number of public signals
 * @param constraints R1CS constraint count
 * @param timeout how long a miner may take to prove it
 * @param workUnits work units one proof counts for: ceil(constraints / 1000)
 * @param inputDescription one sentence describing the user's input
 * @param exampleInput an input a user could send, e.g. {@code {"series":[...]}}
 * @param modelCommitment expected value of the commitment signal, decimal
 * @param inputSignal circuit signal (and user input field) holding the inputs, e.g. {@code series}
 * @param nonceSignal circuit signal holding the nonce
 * @param fixedPointScale user numbers are encoded as round(value * scale)
 * @param inputMin smallest accepted user input value
 * @param inputMax largest accepted user input value
 * @param resourceDir classpath folder of the artefacts, ending in '/'
 */
public record Circuit(
    String name,
    String id,
    Curve curve,
    String description,
    SignalLayout layout,
    int nPublic,
    int constraints,
    Duration timeout,
    int workUnits,
    String inputDescription,
    JsonNode exampleInput,
    String modelCommitment,
    byte[] verificationKeyJson,
    String inputSignal,
    String nonceSignal,
    int fixedPointScale,
    BigDecimal inputMin,
    BigDecimal inputMax,
    ObjectNode privateInputs,
    String resourceDir) {

  public Circuit {
    exampleInput = exampleInput.deepCopy();
    verificationKeyJson = verificationKeyJson.clone();
    privateInputs = privateInputs.deepCopy();
  }

  @Override
  public JsonNode exampleInput() {
    return exampleInput.deepCopy();
  }

  /** The snarkjs verification key, exactly the bytes the id is the hash of. */
  @Override
  public byte[] verificationKeyJson() {
    return verificationKeyJson.clone();
  }

  /**
   * The model's private circuit inputs (weights and biases) as field elements in decimal strings,
   * ready to merge into a prover input. Only the miner needs them.
   */
  @Override
  public ObjectNode privateInputs() {
    return privateInputs.deepCopy();
  }

  /** The model commitment as a field element. */
  public BigInteger modelCommitmentValue() {
    return new BigInteger(modelCommitment);
  }

  /** Classpath resource of the witness generator. */
  public String wasmResource() {
    return resourceDir + "circuit.wasm";
  }

  /** Classpath resource of the proving key. */
  public String zkeyResource() {
    return resourceDir + "circuit_final.zkey";
  }

  /** Classpath resource of the verification key. */
  public String verificationKeyResource() {
    return resourceDir + "verification_key.json";
  }

  /** Maps user input to public input signals and output signals back to numbers. */
  public InputMapping inputMapping() {
    return new InputMapping(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Circuit c && c.id.equals(id) && c.name.equals(name);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Circuit[" + name + ", id=" + id + ", " + curve.snarkjsName() + "]";
  }
}
