package io.assay.task;

import java.util.random.RandomGenerator;

/**
 * Makes synthetic requests for one task: varied and realistic, so a miner cannot tell them from
 * a user's. Deterministic for a given random source.
 */
public interface SyntheticGenerator {

  TaskRequest next(RandomGenerator random);
}
