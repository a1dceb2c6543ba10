package io.assay.gateway.scoring;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The constants of SCORING.md (version 2) that the weight computation reads, immutable and
 * checked once on construction: a bad value fails with a message naming the configuration key,
 * the value and what was expected. They are recorded in the event log ({@link
 * ScoringEvent.ParamsChanged}) at start and on every change, so a computation reads the
 * parameters in force from the log itself. Settings that only steer the gateway (test fractions,
 * budgets, cadence) are not here.
 *
 * @param period length of a scoring period; periods are {@code epoch millis / period millis}
 * @param declarationGrace how long after a period starts a first declaration still binds
 *     ({@code scoring.declaration_grace})
 * @param qualityWindow how far back answers count for quality and speed (5 days)
 * @param minAnswers quality reaches back to this many newest checked answers when the window
 *     holds fewer (50)
 * @param qualityThreshold a mean below this is squared and divided by it (0.85)
 * @param qualityExponent each answer's quality is raised to this before the mean (1.5)
 * @param qualityMin a miner earns on a task only with {@code Q} at least this ({@code
 *     quality.min}, 0.5)
 * @param bonusSpan the speed bonus runs from {@code +span/2} to {@code -span/2} (1.0)
 * @param volumeWindow how far back period scores count for verified volume (3 days); a whole
 *     number of periods
 * @param halfLifePeriods verified volume halves every this many periods ({@code
 *     volume.half_life_periods}, 6)
 * @param establishedPeriods a miner that declared in more periods of the volume window than this
 *     earns in full (8)
 * @param newMinerMultiplier what a newer miner earns of its verified volume (0.25)
 * @param taskExponent {@code k}: shares are raised to this before they are normalised (1.5)
 * @param streamTtftMax the time a stream has for its first work before {@code min_rate} applies
 *     ({@code stream.ttft_max}, 30 s)
 * @param zkRecent how many recent successful response times draw a response-time curve ({@code
 *     zk.recent}, 100)
 * @param burnUid where the weight of a task with no earning miner goes ({@code
 *     weights.burn_uid}); null to share it among the other tasks' miners
 * @param tasks per task id, what scoring needs to know of it; a task missing here is scored
 *     by throughput with no minimum stream rate
 */
public record ScoringParams(
    Duration period,
    Duration declarationGrace,
    Duration qualityWindow,
    int minAnswers,
    double qualityThreshold,
    double qualityExponent,
    double qualityMin,
    double bonusSpan,
    Duration volumeWindow,
    double halfLifePeriods,
    int establishedPeriods,
    double newMinerMultiplier,
    double taskExponent,
    Duration streamTtftMax,
    int zkRecent,
    Integer burnUid,
    SortedMap<String, TaskParams> tasks) {

  /**
   * What scoring needs of one task.
   *
   * @param minRate {@code stream.min_rate}: work units per second a stream must keep up after
   *     {@code stream.ttft_max}; 0 for none
   * @param responseTimeout for a task whose speed is judged by response time (zk proofs,
   *     section 7), its timeout, to which the curve is clamped; null for a task judged by work
   *     per second
   */
  public record TaskParams(double minRate, Duration responseTimeout) {

    public TaskParams {
      if (!(minRate >= 0) || !Double.isFinite(minRate)) {
        throw new IllegalArgumentException("stream.min_rate = " + minRate + ": expected >= 0");
      }
      if (responseTimeout != null && responseTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("response timeout = " + responseTimeout
            + ": expected at least 1 ms");
      }
    }

    /** A task judged by work per second, with a minimum stream rate. */
    public static TaskParams throughput(double minRate) {
      return new TaskParams(minRate, null);
    }
  }

  public ScoringParams {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(declarationGrace, "declarationGrace");
    Objects.requireNonNull(qualityWindow, "qualityWindow");
    Objects.requireNonNull(volumeWindow, "volumeWindow");
    Objects.requireNonNull(streamTtftMax, "streamTtftMax");
    tasks = Collections.unmodifiableSortedMap(new TreeMap<>(tasks == null ? Map.of() : tasks));
    check("scoring.period", period, period.toMillis() >= 1, "at least 1 ms");
    // Section 2: the largest test window (0.8 of the period) must fit after the grace window.
    check("scoring.declaration_grace", declarationGrace, !declarationGrace.isNegative()
            && declarationGrace.toMillis() + 0.8 * period.toMillis() <= period.toMillis(),
        ">= 0 and at most 0.2 of scoring.period (" + period + "), so that a test window of 0.8"
            + " of the period fits after it");
    check("scoring.quality_window", qualityWindow, !qualityWindow.isNegative(), ">= 0");
    check("scoring.min_answers", minAnswers, minAnswers >= 0, ">= 0");
    check("scoring.quality_threshold", qualityThreshold,
        qualityThreshold > 0 && qualityThreshold <= 1, "in (0, 1]");
    check("scoring.quality_exponent", qualityExponent, qualityExponent > 0
        && Double.isFinite(qualityExponent), "> 0");
    check("quality.min", qualityMin, qualityMin >= 0 && qualityMin <= 1, "in [0, 1]");
    check("scoring.bonus_span", bonusSpan, bonusSpan >= 0 && bonusSpan <= 2,
        "in [0, 2] (so that 1 + bonus >= 0)");
    check("scoring.volume_window", volumeWindow, volumeWindow.toMillis() >= period.toMillis()
            && volumeWindow.toMillis() % period.toMillis() == 0,
        "a positive whole number of periods (" + period + ")");
    check("volume.half_life_periods", halfLifePeriods, halfLifePeriods > 0
        && Double.isFinite(halfLifePeriods), "> 0");
    check("scoring.established_periods", establishedPeriods, establishedPeriods >= 0, ">= 0");
    check("scoring.new_miner_multiplier", newMinerMultiplier,
        newMinerMultiplier >= 0 && newMinerMultiplier <= 1, "in [0, 1]");
    check("scoring.task_exponent", taskExponent, taskExponent >= 1
        && Double.isFinite(taskExponent), ">= 1");
    check("stream.ttft_max", streamTtftMax, !streamTtftMax.isNegative(), ">= 0");
    check("zk.recent", zkRecent, zkRecent >= 1, ">= 1");
    check("weights.burn_uid", burnUid, burnUid == null || (burnUid >= 0 && burnUid <= 65535),
        "a uid from 0 to 65535");
  }

  /** The defaults of SCORING.md version 2, with no task known. */
  public static ScoringParams defaults() {
    return new ScoringParams(Duration.ofMinutes(60), Duration.ofMinutes(2), Duration.ofDays(5),
        50, 0.85, 1.5, 0.5, 1.0, Duration.ofDays(3), 6, 8, 0.25, 1.5, Duration.ofSeconds(30),
        100, null, new TreeMap<>());
  }

  /** These parameters with {@code tasks} as the known tasks. */
  public ScoringParams withTasks(Map<String, TaskParams> newTasks) {
    return new ScoringParams(period, declarationGrace, qualityWindow, minAnswers,
        qualityThreshold, qualityExponent, qualityMin, bonusSpan, volumeWindow, halfLifePeriods,
        establishedPeriods, newMinerMultiplier, taskExponent, streamTtftMax, zkRecent, burnUid,
        new TreeMap<>(newTasks));
  }

  /** These parameters with the unassigned share of task weights going to {@code uid}. */
  public ScoringParams withBurnUid(Integer uid) {
    return new ScoringParams(period, declarationGrace, qualityWindow, minAnswers,
        qualityThreshold, qualityExponent, qualityMin, bonusSpan, volumeWindow, halfLifePeriods,
        establishedPeriods, newMinerMultiplier, taskExponent, streamTtftMax, zkRecent, uid, tasks);
  }

  /** These parameters with another task exponent {@code k}. */
  public ScoringParams withTaskExponent(double k) {
    return new ScoringParams(period, declarationGrace, qualityWindow, minAnswers,
        qualityThreshold, qualityExponent, qualityMin, bonusSpan, volumeWindow, halfLifePeriods,
        establishedPeriods, newMinerMultiplier, k, streamTtftMax, zkRecent, burnUid, tasks);
  }

  /** The least first-work allowance of a compressed clock ({@link #compressed}). */
  static final long COMPRESSED_MIN_TTFT_MILLIS = 3_000;

  /**
   * The same scoring on a compressed clock, for devnets and simulations: periods of {@code
   * newPeriod}, the grace, the windows and the stream allowance shrunk by the same factor (so
   * 3 days stay 72 periods); the first-work allowance is kept at {@value
   * #COMPRESSED_MIN_TTFT_MILLIS} ms at least, since real engines on a shared host take that
   * long whatever the clock: at 1 s, honest miners' first streams were cut while a simulation's
   * seventeen miners, its checkers and their JIT warmed up on two cores.
   */
  public ScoringParams compressed(Duration newPeriod) {
    double f = (double) newPeriod.toMillis() / period.toMillis();
    long periodsInVolume = volumeWindow.toMillis() / period.toMillis();
    return new ScoringParams(newPeriod, scaled(declarationGrace, f),
        Duration.ofMillis(Math.max(newPeriod.toMillis(), (long) (qualityWindow.toMillis() * f))),
        minAnswers, qualityThreshold, qualityExponent, qualityMin, bonusSpan,
        newPeriod.multipliedBy(periodsInVolume), halfLifePeriods, establishedPeriods,
        newMinerMultiplier, taskExponent,
        Duration.ofMillis(
            Math.max(COMPRESSED_MIN_TTFT_MILLIS, scaled(streamTtftMax, f).toMillis())),
        zkRecent, burnUid,
        tasks);
  }

  private static Duration scaled(Duration d, double f) {
    return Duration.ofMillis((long) (d.toMillis() * f));
  }

  /** Length of a period in milliseconds. */
  public long periodMillis() {
    return period.toMillis();
  }

  /** The period that {@code epochMillis} falls in. */
  public long periodOf(long epochMillis) {
    return Math.floorDiv(epochMillis, periodMillis());
  }

  /** How many periods the verified-volume window spans. */
  public int volumePeriods() {
    return Math.toIntExact(volumeWindow.toMillis() / periodMillis());
  }

  /** The task's parameters, or a throughput task with no minimum stream rate. */
  public TaskParams task(String taskId) {
    TaskParams t = tasks.get(taskId);
    return t != null ? t : TaskParams.throughput(0);
  }

  private static void check(String key, Object value, boolean ok, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(key + " = " + value + ": expected " + expected);
    }
  }
}
