package io.assay.task;

import java.util.random.RandomGenerator;

/**
 * Makes synthetic requests for one task: varied and realistic, so a miner cannot tell them from
 * a user's. Deterministic for a given random source.
 */
public interface SyntheticGenerator {

  TaskRequest next(RandomGenerator random);

  /**
   * Whether {@code request}'s content (its prompt or messages, inputs or series, not its
   * parameters) could have come from this generator: true for everything {@link #next} makes,
   * whatever the random source, and false for the requests users write, which do not keep to
   * the generator's word lists and templates (an implementation says how often it may be wrong
   * about those). Requests of another task are not produced.
   *
   * <p>The generator is public code, so any miner can do this test; it exists so the market
   * simulation can model a miner that serves what it recognises as synthetic well and the rest
   * badly (a "detector"), and show that this does not pay once synthetic content also comes
   * from replayed organic requests and a private corpus. Pure and thread-safe. The default
   * claims nothing.
   */
  default boolean produced(TaskRequest request) {
    return false;
  }
}
