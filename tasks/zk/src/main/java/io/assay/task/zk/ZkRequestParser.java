package io.assay.task.zk;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.Circuits;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;

/**
 * Reads {@code POST /v1/proofs} bodies: {@code {"circuit": name or id, "input": {...}}}, plus the
 * {@code nonce} a validator adds when it sends the request to a miner.
 */
final class ZkRequestParser {

  private ZkRequestParser() {}

  static ZkRequest parse(byte[] body, Circuits circuits) {
    JsonNode root = jsonObject(body);
    Circuit circuit = circuit(root.get("circuit"), circuits);
    JsonNode input = root.get("input");
    if (input == null || input.isNull()) {
      throw new InvalidRequestException("Missing required parameter: 'input'. This circuit"
          + " takes " + circuit.inputDescription(), "input", "missing_required_parameter");
    }
    List<BigInteger> signals = circuit.inputMapping().toSignals(input);
    return new ZkRequest(circuit, input, signals, nonce(root.get("nonce"), circuit));
  }

  /**
   * The request body as a JSON object.
   *
   * @throws InvalidRequestException when it is not JSON or not an object
   */
  static JsonNode jsonObject(byte[] body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw InvalidRequestException.unparsableBody();
    }
    if (root == null || !root.isObject()) {
      throw InvalidRequestException.notAnObject();
    }
    return root;
  }

  /** The circuit named by {@code node}, a name or an id. */
  static Circuit circuit(JsonNode node, Circuits circuits) {
    if (node == null || node.isNull()) {
      throw new InvalidRequestException("Missing required parameter: 'circuit' (a circuit id or"
          + " name from GET /v1/circuits).", "circuit", "missing_required_parameter");
    }
    if (!node.isTextual()) {
      throw new InvalidRequestException("'circuit' must be a string (a circuit id or name).",
          "circuit", "invalid_type");
    }
    String key = node.asText();
    return circuits.byName(key).or(() -> circuits.byId(key)).orElseThrow(() ->
        new InvalidRequestException("There is no circuit '" + key + "'; GET /v1/circuits lists"
            + " the circuits served here.", "circuit", "model_not_found"));
  }

  private static BigInteger nonce(JsonNode node, Circuit circuit) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      BigInteger nonce = new BigInteger(node.asText());
      if (nonce.signum() >= 0 && circuit.curve().inField(nonce)) {
        return nonce;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException("'nonce' must be a decimal field element of "
        + circuit.curve().snarkjsName() + ".", "nonce", "invalid_value");
  }
}
