package io.assay.miner.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.assay.task.TaskException;
import io.assay.task.zk.ZkAnswer;
import io.assay.task.zk.ZkRequest;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.InputMapping;
import io.assay.task.zk.groth16.Curve;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The three ways a simulated prover cheats, each on snarkjs's Groth16 proof JSON ({@code pi_a
 * [x, y, "1"]}, {@code pi_b [[x0, x1], [y0, y1], ["1", "0"]]}, {@code pi_c [x, y, "1"]}, {@code
 * protocol}, {@code curve}):
 *
 * <ul>
 *   <li>{@link #otherInputs}: a request for inputs one step off, so the honest prover makes a
 *       valid proof of something else;
 *   <li>{@link #randomCoordinates}: every affine coordinate replaced by a random decimal below
 *       the curve's scalar field order, the projective {@code "1"}/{@code "0"} kept;
 *   <li>{@link #tampered}: {@code pi_a[0]} plus one, the smallest change that breaks a proof.
 * </ul>
 *
 * Public signals and proving time stay the honest ones. Stateless.
 */
final class ForgedProofs {

  private ForgedProofs() {}

  /**
   * {@code request} with its first input signal plus one (modulo the circuit's scalar field) and
   * the user input rewritten to match; the nonce is kept.
   */
  static ZkRequest otherInputs(ZkRequest request) {
    Circuit circuit = request.circuit();
    if (request.inputSignals().isEmpty()) {
      throw new TaskException("other-model: circuit " + circuit.name() + " has no input to shift");
    }
    List<BigInteger> signals = new ArrayList<>(request.inputSignals());
    signals.set(0, signals.get(0).add(BigInteger.ONE).mod(circuit.curve().scalarField()));
    InputMapping mapping = circuit.inputMapping();
    JsonNode input = mapping.toUserInput(signals.stream().map(mapping::decode).toList());
    return new ZkRequest(circuit, input, signals, request.nonce());
  }

  /** {@code honest} with random coordinates in the same proof shape. */
  static ZkAnswer randomCoordinates(ZkAnswer honest, LockedRandom random) {
    ObjectNode proof = proofOf(honest, Behaviour.RANDOM_OUTPUT);
    BigInteger bound = curveOf(proof).scalarField();
    randomize(array(proof, "pi_a", Behaviour.RANDOM_OUTPUT), 2, bound, random);
    ArrayNode b = array(proof, "pi_b", Behaviour.RANDOM_OUTPUT);
    for (int i = 0; i < 2; i++) {
      if (!(b.get(i) instanceof ArrayNode pair)) {
        throw malformed(Behaviour.RANDOM_OUTPUT, "pi_b[" + i + "] is not an array");
      }
      randomize(pair, 2, bound, random);
    }
    randomize(array(proof, "pi_c", Behaviour.RANDOM_OUTPUT), 2, bound, random);
    return new ZkAnswer(proof, honest.publicSignals(), honest.proveMillis());
  }

  /** {@code honest} with {@code pi_a[0]} plus one: an invalid proof of the right shape. */
  static ZkAnswer tampered(ZkAnswer honest) {
    ObjectNode proof = proofOf(honest, Behaviour.BAD_PROOF);
    ArrayNode a = array(proof, "pi_a", Behaviour.BAD_PROOF);
    BigInteger x;
    try {
      x = new BigInteger(a.path(0).asText());
    } catch (NumberFormatException e) {
      throw malformed(Behaviour.BAD_PROOF, "pi_a[0] is not a decimal number");
    }
    a.set(0, TextNode.valueOf(x.add(BigInteger.ONE).toString()));
    return new ZkAnswer(proof, honest.publicSignals(), honest.proveMillis());
  }

  private static ObjectNode proofOf(ZkAnswer honest, Behaviour behaviour) {
    if (!(honest.proof() instanceof ObjectNode proof)) {
      throw malformed(behaviour, "the proof is not a JSON object");
    }
    return proof;
  }

  private static Curve curveOf(ObjectNode proof) {
    try {
      return Curve.fromSnarkjs(proof.path("curve").asText());
    } catch (IllegalArgumentException e) {
      throw malformed(Behaviour.RANDOM_OUTPUT, e.getMessage());
    }
  }

  private static ArrayNode array(ObjectNode proof, String name, Behaviour behaviour) {
    if (!(proof.get(name) instanceof ArrayNode array) || array.size() < 2) {
      throw malformed(behaviour, name + " is not an array of coordinates");
    }
    return array;
  }

  private static void randomize(ArrayNode coordinates, int count, BigInteger bound,
      LockedRandom random) {
    if (coordinates.size() < count) {
      throw malformed(Behaviour.RANDOM_OUTPUT, "a point has fewer than " + count + " coordinates");
    }
    for (int i = 0; i < count; i++) {
      coordinates.set(i, TextNode.valueOf(random.nextBelow(bound).toString()));
    }
  }

  private static TaskException malformed(Behaviour behaviour, String why) {
    return new TaskException(behaviour.id() + " cannot forge the honest proof: " + why);
  }
}
