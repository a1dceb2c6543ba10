package io.assay.miner.sim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Parses the miners of a simulation from a compact spec such as {@code honest:3,slow:1}. */
public final class MinerSpecs {

  /** The most miners (or identities of one machine) one entry of a spec may ask for. */
  public static final int MAX_COUNT = 100;

  private MinerSpecs() {}

  /**
   * Parses comma-separated {@code behaviour:count} entries, white space allowed around every
   * part. Each entry yields {@code count} miners named {@code <id>-1} to {@code <id>-<count>}, in
   * spec order: {@code "honest:2,slow:1"} gives honest-1, honest-2, slow-1, each on a machine of
   * its own named after it. For behaviours whose identities share one machine ({@link
   * Behaviour#identitiesShareOneMachine()}: {@code sybil}, {@code timeshare}) the count is the
   * number of identities of that one machine: {@code "sybil:3"} gives sybil-1 to sybil-3, all on
   * the machine {@code sybil} with 3 identities.
   *
   * @throws IllegalArgumentException naming the offending entry when the spec is empty, an entry
   *     is not {@code behaviour:count}, the behaviour is unknown, the count is not 1 to {@value
   *     #MAX_COUNT}, or a behaviour is listed twice
   */
  public static List<MinerSpec> parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException(
          "the miner spec is empty; expected behaviour:count entries such as honest:3,slow:1");
    }
    List<MinerSpec> out = new ArrayList<>();
    Set<Behaviour> seen = EnumSet.noneOf(Behaviour.class);
    for (String entry : spec.split(",", -1)) {
      String[] parts = entry.split(":", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("miner spec entry '" + entry.trim() + "' in '" + spec
            + "': expected behaviour:count, such as honest:3");
      }
      Behaviour behaviour;
      try {
        behaviour = Behaviour.parse(parts[0]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "miner spec entry '" + entry.trim() + "': " + e.getMessage(), e);
      }
      if (!seen.add(behaviour)) {
        throw new IllegalArgumentException("miner spec '" + spec + "' lists " + behaviour.id()
            + " twice; give each behaviour one count");
      }
      int count = count(entry.trim(), parts[1].trim());
      for (int i = 1; i <= count; i++) {
        String name = behaviour.id() + "-" + i;
        out.add(behaviour.identitiesShareOneMachine()
            ? new MinerSpec(behaviour, name, behaviour.id(), count)
            : new MinerSpec(behaviour, name));
      }
    }
    return List.copyOf(out);
  }

  private static int count(String entry, String text) {
    int count;
    try {
      count = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("miner spec entry '" + entry + "': count '" + text
          + "' is not a whole number (expected 1 to " + MAX_COUNT + ")");
    }
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("miner spec entry '" + entry + "': count " + count
          + " is out of range (expected 1 to " + MAX_COUNT + ")");
    }
    return count;
  }
}
