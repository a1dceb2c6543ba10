package io.assay.task.zk;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.TaskRequest;
import io.assay.task.zk.circuit.Circuit;
import java.math.BigInteger;
import java.util.List;

/**
 * A request for a proved inference: the circuit's model run on {@code input}, with a Groth16
 * proof bound to {@code nonce}.
 *
 * @param circuit the circuit asked for (by name or id)
 * @param input the user's input as sent, e.g. {@code {"series":[...]}}
 * @param inputSignals the input as public signals, in the circuit's layout order
 * @param nonce the per-request public signal that binds a proof to this request; null until the
 *     validator picks it ({@link ZkTask#split})
 */
public record ZkRequest(Circuit circuit, JsonNode input, List<BigInteger> inputSignals,
    BigInteger nonce) implements TaskRequest {

  public static final String PATH = "/v1/proofs";

  public ZkRequest {
    input = input.deepCopy();
    inputSignals = List.copyOf(inputSignals);
  }

  @Override
  public String path() {
    return PATH;
  }

  /** The circuit's name: a zk task's model is its circuit. */
  @Override
  public String model() {
    return circuit.name();
  }

  ZkRequest withNonce(BigInteger value) {
    return new ZkRequest(circuit, input, inputSignals, value);
  }
}
