package io.assay.gateway.config;

import io.assay.config.ConfigNode;
import java.nio.file.Path;

/**
 * How the validator tests its miners (SCORING.md section 2): the {@code synthetic} section and
 * {@code test.max_consecutive_failures}. The test budget is set per task ({@code
 * tasks[].synthetic_budget}), since tasks count work in different units.
 *
 * @param enabled whether test windows are planned and synthetic requests sent
 * @param maxConsecutiveFailures a miner's window stops after this many failures in a row
 * @param minOrganic organic requests of a task seen before synthetic parameters follow them
 * @param replayShare the share of synthetic requests that replay a recent organic request with a
 *     fresh seed; 0 for validators who promise users that no second miner sees their prompt
 * @param corpus the validator's private corpus (JSON lines), or null for none
 */
public record SyntheticConfig(boolean enabled, int maxConsecutiveFailures, int minOrganic,
    double replayShare, Path corpus) {

  static SyntheticConfig read(ConfigNode root, Path baseDir) {
    ConfigNode s = root.section("synthetic");
    String corpus = s.string("corpus", "");
    return new SyntheticConfig(
        s.bool("enabled", true),
        root.section("test").integer("max_consecutive_failures", 5, 1, 1_000_000),
        s.integer("min_organic", 200, 0, 1_000_000_000),
        s.decimal("replay_share", 0.5, 0, 1),
        corpus.isBlank() ? null : baseDir.resolve(corpus).normalize());
  }

  /**
   * The same on a clock compressed by {@code factor} (a simulated period's length over a real
   * one's): organic requests accrue in time, so the number that must be seen before synthetic
   * ones follow them shrinks by the same factor (to 1 at least).
   */
  public SyntheticConfig compressed(double factor) {
    return new SyntheticConfig(enabled, maxConsecutiveFailures,
        (int) Math.max(1, Math.round(minOrganic * factor)), replayShare, corpus);
  }

  /** The same with synthetic traffic on or off. */
  public SyntheticConfig withEnabled(boolean on) {
    return new SyntheticConfig(on, maxConsecutiveFailures, minOrganic, replayShare, corpus);
  }
}
