package io.assay.miner.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a simulated miner behaves: honestly, or with one way of cheating or failing that scoring
 * must catch. {@link SimulatedBackends#wrap} applies the behaviours that change answers;
 * {@link #OVERCLAIM} changes what the miner declares instead (see {@link #declaredFactor()}).
 */
public enum Behaviour {
  /** Answers every request correctly and at full speed. */
  HONEST("honest"),
  /** Declares {@value #OVERCLAIM_FACTOR} times the capacity it serves, then answers 429. */
  OVERCLAIM("overclaim"),
  /** Answers correctly, ten times slower. */
  SLOW("slow"),
  /** Fails 30% of requests, chosen at random. */
  FLAKY("flaky"),
  /** Answers with well-formed random content. */
  RANDOM_OUTPUT("random-output"),
  /** Answers from another model or seed: plausible, but not what was asked for. */
  OTHER_MODEL("other-model"),
  /**
   * Proves honestly, then returns the proof with one coordinate changed, which does not verify.
   * About proofs only: the other tasks of such a miner are served honestly.
   */
  BAD_PROOF("bad-proof");

  /** How many times its served capacity an {@link #OVERCLAIM} miner declares. */
  public static final int OVERCLAIM_FACTOR = 5;

  private final String id;

  Behaviour(String id) {
    this.id = id;
  }

  /** The lower-case id used in configuration and miner specs, e.g. {@code random-output}. */
  public String id() {
    return id;
  }

  /**
   * How many times the capacity it serves a miner with this behaviour declares: {@value
   * #OVERCLAIM_FACTOR} for {@link #OVERCLAIM}, 1 for every other behaviour.
   */
  public int declaredFactor() {
    return this == OVERCLAIM ? OVERCLAIM_FACTOR : 1;
  }

  /**
   * The behaviour with this id, ignoring case and surrounding white space.
   *
   * @throws IllegalArgumentException naming the valid ids when there is none
   */
  public static Behaviour parse(String id) {
    if (id != null) {
      String wanted = id.trim().toLowerCase(Locale.ROOT);
      for (Behaviour b : values()) {
        if (b.id.equals(wanted)) {
          return b;
        }
      }
    }
    throw new IllegalArgumentException("unknown behaviour '" + id + "'; expected one of "
        + Arrays.stream(values()).map(Behaviour::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
