package io.assay.task.zk.prover;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

/**
 * A Groth16 proof as snarkjs makes it.
 *
 * @param proof the snarkjs proof object ({@code pi_a}, {@code pi_b}, {@code pi_c},
 *     {@code protocol}, {@code curve}); copied on access
 * @param publicSignals the public signals in snarkjs order (see the circuit's layout)
 * @param proveTime witness generation plus proving, as measured by the worker
 */
public record ProofResult(JsonNode proof, List<BigInteger> publicSignals, Duration proveTime) {

  public ProofResult {
    proof = proof.deepCopy();
    publicSignals = List.copyOf(publicSignals);
  }

  @Override
  public JsonNode proof() {
    return proof.deepCopy();
  }
}
