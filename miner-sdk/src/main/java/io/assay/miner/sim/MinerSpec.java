package io.assay.miner.sim;

import java.util.Objects;

/**
 * One simulated miner: how it behaves and its name.
 *
 * @param behaviour how it behaves
 * @param name unique within a simulation, e.g. {@code overclaim-2}
 */
public record MinerSpec(Behaviour behaviour, String name) {

  public MinerSpec {
    Objects.requireNonNull(behaviour, "behaviour");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a simulated miner's name must not be blank");
    }
  }
}
