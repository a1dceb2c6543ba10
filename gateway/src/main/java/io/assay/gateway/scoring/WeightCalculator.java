package io.assay.gateway.scoring;

import io.assay.gateway.scoring.WeightReport.MinerReport;
import io.assay.gateway.scoring.WeightReport.TaskReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.ToDoubleFunction;

/**
 * Computes the validator's weights from the scoring event log, as SCORING.md (version 2)
 * sections 1 to 7 define them. Stateless and thread-safe.
 *
 * <h2>Algorithm</h2>
 *
 * <ol>
 *   <li><b>Visibility.</b> Only events with {@code at <= computedAt} are read ({@link
 *       ScoringLog}). The parameters, task weights and uids are the latest recorded at or before
 *       {@code computedAt}; without parameters or task weights the computation fails (they are
 *       always recorded first).
 *   <li><b>Periods.</b> Verified volume runs over the completed periods: the newest is the one
 *       that ends at or before {@code computedAt + 1} ms.
 *   <li><b>Period score</b> (section 3, {@link PeriodTally}) of each (miner, task, period): over
 *       the requests assigned in the period and the period's shortfalls, against {@code c};
 *       again over the requests assigned in the task's test window and the shortfalls, against
 *       {@code c_W = min(c * f, cap)}; {@code PS_period} is the smaller.
 *   <li><b>Verified volume</b> (section 5, {@link VerifiedVolume}), each period's {@code c}
 *       counted only as far as its window tested it ({@link
 *       ScoringEvent.TestPlanned#testedCapacity}).
 *   <li><b>Quality</b> (section 4, {@link QualityScore}); an answer's quality is its verdict,
 *       clamped to [0, 1], or 0 when its check failed for cause {@code answer}; a check failed
 *       for cause {@code service} leaves the answer unchecked. A verdict wins over a failed
 *       check of the same answer; of several verdicts the latest counts.
 *   <li><b>Speed</b> (section 4, {@link SpeedBonus}): {@code v} is work per second, or for a
 *       task with a response timeout (zk proofs) the {@link ResponseTimeCurve} drawn through the
 *       task's {@code zk.recent} newest successful response times.
 *   <li><b>Task score and weights</b> (section 6): {@code EV = CQS * VV} when {@code Q >=
 *       quality.min}, else 0; {@code s}, {@code t = s^k / sum s^k}; {@code W} the task-weighted
 *       sum of {@code t}. A task whose miners earn nothing leaves its weight unassigned: to
 *       {@code weights.burn_uid} if set, else shared out by the normalisation.
 * </ol>
 *
 * <h2>Reproducibility</h2>
 *
 * The only input is the event log and {@code computedAt}: no clock, no store, no configuration.
 * Hash maps serve look-ups only; every iteration runs over sorted keys or in log order; sums of
 * doubles run in log order (answers), newest period first (volume), miners by hotkey and tasks
 * by id; every formula is evaluated as SCORING.md writes it in IEEE doubles with {@link
 * StrictMath#pow}; work is summed in exact integers. So anyone holding the log recomputes every
 * report bit for bit.
 */
public final class WeightCalculator {

  private WeightCalculator() {}

  /**
   * Computes the weights as of {@code computedAt}.
   *
   * @param events the event log in recorded order; events after {@code computedAt} are ignored
   * @param computedAt epoch millis
   * @throws IllegalArgumentException if no parameters or no task weights were recorded at or
   *     before {@code computedAt}
   */
  public static WeightReport compute(List<? extends ScoringEvent> events, long computedAt) {
    return compute(ScoringLog.read(events, computedAt), computedAt);
  }

  /** Sections 3 to 6 over what {@code input} holds, as of {@code computedAt}. */
  static WeightReport compute(ScoringInput input, long computedAt) {
    return compute(input, computedAt, Runnable::run);
  }

  /**
   * The same, scoring the tasks on {@code executor} (they are independent: each reads its own
   * part of {@code input}); the raw weights are then summed in task order on this thread.
   */
  static WeightReport compute(ScoringInput input, long computedAt, Executor executor) {
    ScoringParams params = input.params();
    long lastPeriod = lastPeriod(params, computedAt);
    SortedMap<String, Double> taskWeights = input.taskWeights();
    TreeSet<String> tasks = new TreeSet<>(input.tasks());
    tasks.addAll(taskWeights.keySet());
    Map<String, CompletableFuture<SortedMap<String, TaskReport>>> scoring = new HashMap<>();
    for (String task : tasks) {
      scoring.put(task, CompletableFuture.supplyAsync(() -> scoreTask(input.series(task),
          input.answers(task), params, lastPeriod), executor));
    }
    Map<String, SortedMap<String, TaskReport>> scored = new HashMap<>();
    for (Map.Entry<String, CompletableFuture<SortedMap<String, TaskReport>>> e
        : scoring.entrySet()) {
      try {
        scored.put(e.getKey(), e.getValue().join());
      } catch (java.util.concurrent.CompletionException x) {
        throw x.getCause() instanceof RuntimeException r ? r : x;
      }
    }
    return assemble(input, scored, computedAt);
  }

  /** The newest completed period as of {@code computedAt}: the one ending by {@code +1} ms. */
  static long lastPeriod(ScoringParams params, long computedAt) {
    return params.periodOf(computedAt + 1) - 1;
  }

  /**
   * Section 6 from every task's reports ({@code scored}: task to reports by hotkey): the raw
   * weights summed in task order, the burn, the normalised and the integer weights.
   */
  static WeightReport assemble(ScoringInput input,
      Map<String, SortedMap<String, TaskReport>> scored, long computedAt) {
    ScoringParams params = input.params();
    TreeSet<String> tasks = new TreeSet<>(input.tasks());
    tasks.addAll(input.taskWeights().keySet());
    return weigh(computedAt, lastPeriod(params, computedAt), input.taskWeights(), tasks,
        input.miners(), scored, input.uids(), params.burnUid());
  }

  /**
   * The weights that {@code report}'s task scores give under other task weights: section 6 run
   * again over the same per-task reports, as a computation at the same time would weigh them had
   * the task weights been {@code taskWeights} (task scores do not depend on task weights). With
   * {@code report}'s own task weights it returns {@code report}, bit for bit.
   *
   * @param taskWeights checked by the caller ({@code TaskWeights.validate}); a task missing from
   *     it weighs 0
   */
  public static WeightReport reweigh(WeightReport report, SortedMap<String, Double> taskWeights) {
    Map<String, SortedMap<String, TaskReport>> scored = new HashMap<>();
    TreeSet<String> tasks = new TreeSet<>(taskWeights.keySet());
    tasks.addAll(report.taskWeights().keySet());
    report.miners().forEach((miner, m) -> m.tasks().forEach((task, r) -> {
      tasks.add(task);
      scored.computeIfAbsent(task, t -> new TreeMap<>()).put(miner, r);
    }));
    for (String task : tasks) {
      scored.putIfAbsent(task, new TreeMap<>());
    }
    return weigh(report.computedAt(), report.lastPeriod(), taskWeights, tasks,
        report.miners().keySet(), scored, report.uids(), report.burnUid());
  }

  /**
   * Section 6: each miner's raw weight {@code W}, its task-weighted task scores summed in task
   * order; the weight of tasks nobody earned goes to {@code burnUid} when set; then normalised
   * and integer weights.
   */
  private static WeightReport weigh(long computedAt, long lastPeriod,
      SortedMap<String, Double> taskWeights, TreeSet<String> tasks,
      java.util.Collection<String> minerKeys, Map<String, SortedMap<String, TaskReport>> scored,
      SortedMap<String, Integer> uids, Integer burnUid) {
    SortedMap<String, SortedMap<String, TaskReport>> tasksByMiner = new TreeMap<>();
    SortedMap<String, Double> raw = new TreeMap<>();
    for (String miner : minerKeys) {
      raw.put(miner, 0.0);
      tasksByMiner.put(miner, new TreeMap<>());
    }
    double unassigned = 0;
    for (String task : tasks) {
      double taskWeight = taskWeights.getOrDefault(task, 0.0);
      SortedMap<String, TaskReport> reports = scored.get(task);
      double earned = 0;
      for (Map.Entry<String, TaskReport> e : reports.entrySet()) {
        tasksByMiner.get(e.getKey()).put(task, e.getValue());
        raw.merge(e.getKey(), taskWeight * e.getValue().taskScore(), Double::sum);
        earned += e.getValue().taskScore();
      }
      if (earned == 0) {
        unassigned += taskWeight;
      }
    }

    double burn = burnUid == null ? 0 : unassigned;
    double total = burn;
    double max = burn;
    for (double w : raw.values()) {
      total += w;
      max = Math.max(max, w);
    }
    SortedMap<String, MinerReport> miners = new TreeMap<>();
    SortedMap<String, Double> weights = new TreeMap<>();
    SortedMap<String, Integer> weightsU16 = new TreeMap<>();
    for (Map.Entry<String, Double> e : raw.entrySet()) {
      double w = e.getValue();
      miners.put(e.getKey(), new MinerReport(tasksByMiner.get(e.getKey()), w));
      weights.put(e.getKey(), total == 0 ? 0 : w / total);
      weightsU16.put(e.getKey(), u16(w, max));
    }
    return new WeightReport(computedAt, lastPeriod, taskWeights, miners, weights, weightsU16,
        uids, burnUid, total == 0 ? 0 : burn / total, u16(burn, max));
  }

  /** {@code 65535 * w / max}, rounded half to even (0 when nothing has weight). */
  static int u16(double w, double max) {
    return max == 0 ? 0 : (int) Math.rint(65535 * (w / max));
  }

  /** Sections 3 to 6 for one task: every miner's report, {@code t} included, by hotkey. */
  static SortedMap<String, TaskReport> scoreTask(
      SortedMap<String, ? extends ScoringInput.Series> miners, ScoringInput.Answers answers,
      ScoringParams params, long lastPeriod) {
    Map<String, Scores> scores = new HashMap<>();
    Map<String, Double> meanQuality = new HashMap<>();
    miners.forEach((miner, series) -> {
      Scores s = new Scores(series, answers.quality(miner), params, lastPeriod);
      scores.put(miner, s);
      meanQuality.put(miner, s.quality.meanQuality());
    });
    SortedMap<String, Double> bonus = answers.speedBonus(meanQuality);

    Map<String, Double> ev = new HashMap<>();
    double evSum = 0;
    for (String miner : miners.keySet()) {
      Scores s = scores.get(miner);
      double cqs = s.quality.value() * (1 + bonus.get(miner));
      s.cqs = cqs;
      double value = s.earning() ? cqs * s.volume.value() : 0;
      ev.put(miner, value);
      evSum += value;
    }
    Map<String, Double> sk = new HashMap<>();
    double skSum = 0;
    for (String miner : miners.keySet()) {
      double share = evSum == 0 ? 0 : ev.get(miner) / evSum;
      double value = StrictMath.pow(share, params.taskExponent());
      sk.put(miner, value);
      skSum += value;
    }

    SortedMap<String, TaskReport> reports = new TreeMap<>();
    for (String miner : miners.keySet()) {
      Scores s = scores.get(miner);
      reports.put(miner, s.report(bonus.get(miner), skSum == 0 ? 0 : sk.get(miner) / skSum));
    }
    return reports;
  }

  /**
   * How fast an answer is: work per second, or for a task judged by response time the {@link
   * ResponseTimeCurve} of the task's newest successful response times.
   */
  static ToDoubleFunction<Answer> speedRule(ScoringParams.TaskParams task,
      java.util.Collection<List<Answer>> answers, ScoringParams params) {
    if (task.responseTimeout() == null) {
      return Answer::throughput;
    }
    List<Answer> all = new ArrayList<>();
    answers.forEach(all::addAll);
    if (all.isEmpty()) {
      return Answer::throughput;
    }
    all.sort(Answer.NEWEST_FIRST);
    List<Answer> recent = all.subList(0, Math.min(params.zkRecent(), all.size()));
    double[] seconds = new double[recent.size()];
    for (int i = 0; i < seconds.length; i++) {
      seconds[i] = recent.get(i).seconds();
    }
    ResponseTimeCurve curve = ResponseTimeCurve.of(seconds,
        task.responseTimeout().toMillis() / 1000.0);
    return a -> curve.score(a.seconds());
  }

  /** Period scores, verified volume and quality of one (miner, task). */
  private static final class Scores {
    final ScoringInput.Series series;
    final long lastPeriod;
    final PeriodTally last;
    final Double lastScore;
    final Double lastWindowScore;
    final VerifiedVolume volume;
    final QualityScore quality;
    final ScoringParams params;
    double cqs;

    Scores(ScoringInput.Series series, QualityScore quality, ScoringParams params,
        long lastPeriod) {
      this.series = series;
      this.params = params;
      this.lastPeriod = lastPeriod;
      long first = lastPeriod - params.volumePeriods() + 1;
      Map<Long, PeriodTally> tallies = new HashMap<>();
      Map<Long, PeriodTally> windows = new HashMap<>();
      series.tally(first, lastPeriod, params, tallies, windows);
      Map<Long, Double> periodScores = new HashMap<>();
      // Periods no test judged: their declaration counts only as far as it was served.
      Map<Long, Double> untested = new HashMap<>();
      Double lastWindow = null;
      Double standing = null; // the newest window score so far: a test's verdict stands
      for (long p = first; p <= lastPeriod; p++) {
        PeriodTally tally = tallies.get(p);
        long c = series.declared(p);
        Double ps = tally == null ? null : tally.score(c);
        if (series.leftOut(p)) {
          // no window this period (the budget tested the task in a share of periods only):
          // the last verdict stands, so a machine caught once is not trusted in between
          if (standing != null && c > 0) {
            ps = ps == null ? standing : Math.min(ps, standing);
          } else if (tally != null) {
            untested.put(p, (double) Math.min(c, tally.consumed));
          }
          periodScores.put(p, ps);
          continue;
        }
        if (tally == null) {
          continue;
        }
        PeriodTally window = windows.get(p);
        ScoringEvent.TestPlanned plan = series.plan(p);
        Double psWindow = window == null || plan == null ? null
            : window.score(plan.windowCapacity(c));
        if (ps != null && psWindow != null) {
          ps = Math.min(ps, psWindow);
        }
        if (psWindow != null) {
          standing = psWindow;
        } else if (plan == null) {
          // No window at all (a gateway started too late in the period for one to fit):
          // nothing measured the declared rate, so an overclaim would be paid in full.
          untested.put(p, (double) Math.min(c, tally.consumed));
        }
        periodScores.put(p, ps);
        if (p == lastPeriod) {
          lastWindow = psWindow;
        }
      }
      this.last = tallies.getOrDefault(lastPeriod, new PeriodTally());
      this.lastScore = periodScores.get(lastPeriod);
      this.lastWindowScore = lastWindow;
      this.volume = VerifiedVolume.of(lastPeriod,
          p -> untested.containsKey(p) ? untested.get(p) : series.testedCapacity(p),
          periodScores::get, params);
      this.quality = quality;
    }

    boolean earning() {
      return quality.checked() > 0 && quality.value() >= params.qualityMin();
    }

    TaskReport report(double bonus, double taskScore) {
      ScoringEvent.CapacityDeclared d = series.declaration(lastPeriod);
      return new TaskReport(d == null ? 0 : d.declared(), d == null ? 0 : d.concurrency(),
          last.consumed, last.requests, last.rateLimitedRequests, last.failedRequests,
          lastScore, lastWindowScore, volume.value(), volume.declaredPeriods(),
          quality.checked() > 0 ? quality.value() : null, quality.checked(), bonus, cqs,
          earning(), taskScore);
    }
  }
}
