package io.assay.gateway.scoring;

import java.time.Duration;
import java.util.Objects;

/**
 * How much of the event log {@link ScoringState} and the trimmed event stream keep, beyond what
 * the scoring parameters in force need.
 *
 * @param margin how late an event may be against its neighbours and its answer (a verdict or
 *     failed check after its answer, a test plan after its period's end, an event after one
 *     recorded later in time); also how much longer than the longest window the stream keeps
 * @param qualityWindow, volumeWindow, minAnswers, zkRecent kept at least this much even when the
 *     parameters in force need less (0: as the parameters say); set to parameters about to come
 *     into force when rebuilding for them
 * @param allPeriods keep every period's sums (a rebuild across a change of the period length,
 *     which renumbers periods)
 */
public record Retention(Duration margin, Duration qualityWindow, Duration volumeWindow,
    int minAnswers, int zkRecent, boolean allPeriods) {

  public Retention {
    Objects.requireNonNull(margin, "margin");
    Objects.requireNonNull(qualityWindow, "qualityWindow");
    Objects.requireNonNull(volumeWindow, "volumeWindow");
    if (margin.isNegative() || qualityWindow.isNegative() || volumeWindow.isNegative()
        || minAnswers < 0 || zkRecent < 0) {
      throw new IllegalArgumentException("retention must not be negative: " + margin + ", "
          + qualityWindow + ", " + volumeWindow + ", " + minAnswers + ", " + zkRecent);
    }
  }

  /** What the parameters in force need, plus {@code margin}. */
  public static Retention withMargin(Duration margin) {
    return new Retention(margin, Duration.ZERO, Duration.ZERO, 0, 0, false);
  }

  /** At least what {@code params} need, and every period when asked. */
  public Retention atLeast(ScoringParams params, boolean everyPeriod) {
    return new Retention(margin, max(qualityWindow, params.qualityWindow()),
        max(volumeWindow, params.volumeWindow()), Math.max(minAnswers, params.minAnswers()),
        Math.max(zkRecent, params.zkRecent()), allPeriods || everyPeriod);
  }

  Duration qualityWindow(ScoringParams p) {
    return max(qualityWindow, p.qualityWindow());
  }

  int minAnswers(ScoringParams p) {
    return Math.max(minAnswers, p.minAnswers());
  }

  int zkRecent(ScoringParams p) {
    return Math.max(zkRecent, p.zkRecent());
  }

  /** Periods of the volume window to keep, in {@code p}'s periods. */
  long volumePeriods(ScoringParams p) {
    long floor = (volumeWindow.toMillis() + p.periodMillis() - 1) / p.periodMillis();
    return Math.max(floor, p.volumePeriods());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
