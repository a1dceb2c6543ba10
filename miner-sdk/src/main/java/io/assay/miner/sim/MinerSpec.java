package io.assay.miner.sim;

import java.util.Objects;

/**
 * One simulated miner (one identity): how it behaves, its name, the machine it runs on and how
 * many identities that machine has.
 *
 * <p>Most miners have a machine of their own ({@link #MinerSpec(Behaviour, String)}). The
 * identities of a {@link Behaviour#SYBIL} or {@link Behaviour#TIMESHARE} miner name the same
 * machine and its count of identities, which sets how the machine is split or shared (see
 * {@link SimulatedFleet}).
 *
 * @param behaviour how it behaves
 * @param name unique within a simulation, e.g. {@code overclaim-2}
 * @param machine the name of the physical machine it runs on; specs with the same machine share
 *     it
 * @param identities how many identities run on that machine, 1 to {@value MinerSpecs#MAX_COUNT}
 */
public record MinerSpec(Behaviour behaviour, String name, String machine, int identities) {

  public MinerSpec {
    Objects.requireNonNull(behaviour, "behaviour");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(machine, "machine");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a simulated miner's name must not be blank");
    }
    if (machine.isBlank()) {
      throw new IllegalArgumentException("miner " + name + ": its machine's name must not be"
          + " blank");
    }
    if (identities < 1 || identities > MinerSpecs.MAX_COUNT) {
      throw new IllegalArgumentException("miner " + name + ": identities must be 1 to "
          + MinerSpecs.MAX_COUNT + ", was " + identities);
    }
  }

  /** A miner alone on a machine of its own, named after it. */
  public MinerSpec(Behaviour behaviour, String name) {
    this(behaviour, name, name, 1);
  }
}
