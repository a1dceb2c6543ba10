package io.assay.task.zk.circuit;

import java.util.List;

/**
 * Where each value sits in a circuit's public signals (snarkjs {@code public.json} order: the
 * circuit's outputs first, then its public inputs in declaration order). Positions are 0-based.
 *
 * @param outputs positions of the model's outputs (the prediction)
 * @param commitment position of the Poseidon commitment to the private weights
 * @param inputs positions of the user's input values, in input order
 * @param nonce position of the per-request nonce
 */
public record SignalLayout(List<Integer> outputs, int commitment, List<Integer> inputs, int nonce) {

  public SignalLayout {
    outputs = List.copyOf(outputs);
    inputs = List.copyOf(inputs);
  }

  /** Number of positions the layout names; equals the circuit's public signal count. */
  public int size() {
    return outputs.size() + inputs.size() + 2;
  }
}
