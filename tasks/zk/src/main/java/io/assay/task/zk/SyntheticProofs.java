package io.assay.task.zk;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.SyntheticGenerator;
import io.assay.task.TaskRequest;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.SyntheticInputs;
import java.util.random.RandomGenerator;

/**
 * Proof requests for one circuit on {@link SyntheticInputs}, without a nonce: {@link
 * ZkTask#split} gives each one from a secure source, as it does a user's, so a miner can neither
 * predict nor copy them. Recognisable by their series, which keep to the grid {@link
 * SyntheticInputs} documents. Stateless and thread-safe.
 */
final class SyntheticProofs implements SyntheticGenerator {

  private final Circuit circuit;
  private final SyntheticInputs inputs;

  SyntheticProofs(Circuit circuit) {
    this.circuit = circuit;
    this.inputs = new SyntheticInputs(circuit);
  }

  @Override
  public TaskRequest next(RandomGenerator random) {
    JsonNode input = inputs.next(random);
    return new ZkRequest(circuit, input, circuit.inputMapping().toSignals(input), null);
  }

  /**
   * Whether {@code request} asks this circuit for a proof on a series {@link
   * SyntheticInputs#produced} recognises, whatever its nonce.
   */
  @Override
  public boolean produced(TaskRequest request) {
    return request instanceof ZkRequest r && r.circuit().equals(circuit)
        && inputs.produced(r.input());
  }
}
