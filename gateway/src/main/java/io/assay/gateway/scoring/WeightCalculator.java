package io.assay.gateway.scoring;

import io.assay.gateway.scoring.PeriodTally.Nps;
import io.assay.gateway.scoring.QualityScore.Answer;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.WeightReport.MinerReport;
import io.assay.gateway.scoring.WeightReport.TaskReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Computes the validator's weights from the scoring event log, as SCORING.md sections 1 to 6
 * define them. Stateless and thread-safe.
 *
 * <h2>Algorithm</h2>
 *
 * <ol>
 *   <li><b>Visibility.</b> With {@code P} the period of {@code computedAt}, an event is read
 *       only if its {@code at} (where it has one) is at or before {@code computedAt} and its
 *       {@code period} (where it has one) is at or before {@code P}. A longer log therefore
 *       reproduces an older report exactly.
 *   <li><b>Duplicates.</b> For a (period, miner, task) the last declaration in the log counts.
 *       For an answer, the check with the latest {@code at} counts; so do the task weights with
 *       the latest {@code at}; on equal times the later in the log wins. Without any task
 *       weights the computation fails: they are always recorded first.
 *   <li><b>Period score</b> (section 3), per (miner, task, period) from its outcomes, with
 *       {@code c} that period's declaration (0 if none). A period without outcomes has none.
 *   <li><b>NPS</b> (section 5) over the {@code npsWindow / period} periods ending with {@code
 *       P}; {@code i} counts the scored periods newest first (unscored ones are skipped).
 *   <li><b>Quality and speed</b> (section 4). The answers of a (miner, task) are its successful
 *       outcomes at or after {@code computedAt - qualityWindow}, or if fewer, its newest {@code
 *       minAnswers}. A check belongs to the answer with the same (miner, task, answer id); q is
 *       clamped to [0, 1]; {@code v = units / seconds} with at least a millisecond. If any
 *       answer is checked, {@code Q} and {@code V} are taken over the checked ones. <b>Not yet
 *       checked:</b> if none is, the report shows quality as null and the computation uses
 *       {@code Q = 1} and {@code V} = the percentile of plain {@code v} over all the answers.
 *       Outcomes and speed are known, quality is not; every unchecked miner of a task is
 *       treated alike, namely like a miner whose checked answers are all perfect, so the
 *       checking scheduler must reach every miner.
 *   <li><b>Response time</b> (section 7). For a task in {@link
 *       ScoringParams#responseTimeTasks()} (zk proofs) {@code v} is instead the {@link
 *       ResponseTimeCurve} score of the answer's seconds, the curve drawn through the counted
 *       answers of all the task's miners and clamped to the task's timeout.
 *   <li><b>CQS.</b> The miners of a task with at least one answer are ranked by {@code V}, best
 *       first, equal speeds by hotkey ascending; a miner without answers has {@code CQS = 0}.
 *   <li><b>Weights</b> (section 6). {@code c} in {@code EV} is the declaration for {@code P}. A
 *       task missing from the task weights weighs 0; a weighted task without earning miners
 *       contributes nothing, so its share goes to everyone through the normalisation.
 * </ol>
 *
 * <h2>Reproducibility</h2>
 *
 * Anyone holding the log recomputes the report bit for bit: the only inputs are the events,
 * the parameters and {@code computedAt} (no clock, no store); hash maps serve look-ups only,
 * every iteration runs over sorted keys; each formula is evaluated as SCORING.md writes it,
 * left to right, in IEEE doubles (strict in Java 17), with {@link StrictMath#pow} for powers
 * and {@code x * x} for squares; sums run newest period first, newest answer first (equal
 * times by answer id), miners by hotkey, tasks by id; the percentile's rank is computed
 * exactly in decimal. Apart from the duplicate rules above, the order of the log does not
 * matter.
 */
public final class WeightCalculator {

  private WeightCalculator() {}

  /**
   * Computes the weights as of {@code computedAt}.
   *
   * @param events the event log in recorded order; events after {@code computedAt} are ignored
   * @param computedAt epoch millis
   * @throws IllegalArgumentException if no task weights were recorded at or before {@code
   *     computedAt}
   */
  public static WeightReport compute(List<? extends ScoringEvent> events, ScoringParams params,
      long computedAt) {
    Objects.requireNonNull(params, "params");
    Log log = Log.read(events, params, computedAt);
    if (log.taskWeights == null) {
      throw new IllegalArgumentException("no task weights recorded at or before " + computedAt
          + " (of " + events.size() + " events)");
    }
    SortedMap<String, SortedMap<String, TaskReport>> tasksByMiner = new TreeMap<>();
    SortedMap<String, Double> w = new TreeMap<>();
    log.series.forEach((task, miners) -> {
      double taskWeight = log.taskWeights.weights().getOrDefault(task, 0.0);
      scoreTask(task, miners, log, params, computedAt).forEach((miner, report) -> {
        tasksByMiner.computeIfAbsent(miner, m -> new TreeMap<>()).put(task, report);
        w.merge(miner, taskWeight * report.taskScore(), Double::sum);
      });
    });

    double sum = 0;
    double max = 0;
    for (double value : w.values()) {
      sum += value;
      max = Math.max(max, value);
    }
    SortedMap<String, MinerReport> miners = new TreeMap<>();
    SortedMap<String, Double> weights = new TreeMap<>();
    SortedMap<String, Integer> weightsU16 = new TreeMap<>();
    for (Map.Entry<String, Double> e : w.entrySet()) {
      double value = e.getValue();
      miners.put(e.getKey(), new MinerReport(tasksByMiner.get(e.getKey())));
      weights.put(e.getKey(), sum == 0 ? 0 : value / sum);
      weightsU16.put(e.getKey(), max == 0 ? 0 : (int) Math.round(65535 * value / max));
    }
    return new WeightReport(computedAt, new TreeMap<>(log.taskWeights.weights()), miners,
        weights, weightsU16);
  }

  /** Sections 3 to 6 for one task: every miner's report, {@code t} included, by hotkey. */
  private static SortedMap<String, TaskReport> scoreTask(String task,
      SortedMap<String, Series> miners, Log log, ScoringParams params, long computedAt) {
    long current = params.periodOf(computedAt);
    Map<String, Nps> nps = new HashMap<>();
    Map<String, QualityScore> quality = new HashMap<>();
    List<String> ranked = new ArrayList<>();
    ToDoubleFunction<Answer> speed = speedRule(task, miners, params, computedAt);
    miners.forEach((miner, series) -> {
      nps.put(miner, Nps.of(series.tallies, series.declared, current, params));
      QualityScore q = QualityScore.of(series.answers, id -> log.quality(miner, task, id), params,
          computedAt, speed);
      quality.put(miner, q);
      if (q.answers() > 0) {
        ranked.add(miner);
      }
    });
    ranked.sort(Comparator.comparingDouble((String m) -> quality.get(m).speed()).reversed()
        .thenComparing(Comparator.naturalOrder()));

    Map<String, Double> cqs = new HashMap<>();
    int n = ranked.size();
    for (int r = 0; r < n; r++) {
      double bonus = n == 1 ? 0 : params.bonusSpan() * (0.5 - (double) r / (n - 1));
      cqs.put(ranked.get(r), quality.get(ranked.get(r)).quality() * (1 + bonus));
    }

    Map<String, Double> ev = new HashMap<>();
    double evSum = 0;
    for (Map.Entry<String, Series> e : miners.entrySet()) {
      long c = e.getValue().declared.getOrDefault(current, 0L);
      double value = cqs.getOrDefault(e.getKey(), 0.0) * nps.get(e.getKey()).value() * c;
      ev.put(e.getKey(), value);
      evSum += value;
    }
    Map<String, Double> sk = new HashMap<>();
    double skSum = 0;
    for (String miner : miners.keySet()) {
      double s = evSum == 0 ? 0 : ev.get(miner) / evSum;
      double value = StrictMath.pow(s, params.taskExponent());
      sk.put(miner, value);
      skSum += value;
    }

    SortedMap<String, TaskReport> reports = new TreeMap<>();
    for (Map.Entry<String, Series> e : miners.entrySet()) {
      String miner = e.getKey();
      Series series = e.getValue();
      PeriodTally now = series.tallies.getOrDefault(current, new PeriodTally(current));
      Nps p = nps.get(miner);
      QualityScore q = quality.get(miner);
      reports.put(miner, new TaskReport(series.declared.getOrDefault(current, 0L), now.consumed,
          now.total, now.rateLimited, now.failed, p.latest(), p.periods(), p.value(),
          q.answers(), q.checked(), q.checked() > 0 ? q.quality() : null,
          q.answers() > 0 ? q.speed() : null, cqs.getOrDefault(miner, 0.0),
          skSum == 0 ? 0 : sk.get(miner) / skSum));
    }
    return reports;
  }

  /**
   * How fast an answer of {@code task} is: work per second, or for a task judged by response
   * time the {@link ResponseTimeCurve} of the counted answers of all its miners.
   */
  private static ToDoubleFunction<Answer> speedRule(String task, SortedMap<String, Series> miners,
      ScoringParams params, long computedAt) {
    java.time.Duration timeout = params.responseTimeTasks().get(task);
    if (timeout == null) {
      return Answer::speed;
    }
    List<Double> seconds = new ArrayList<>();
    for (Series series : miners.values()) {
      for (Answer a : QualityScore.counted(series.answers, params, computedAt)) {
        seconds.add(a.seconds());
      }
    }
    if (seconds.isEmpty()) {
      return Answer::speed;
    }
    ResponseTimeCurve curve = ResponseTimeCurve.of(
        seconds.stream().mapToDouble(Double::doubleValue).toArray(), timeout.toMillis() / 1000.0);
    return a -> curve.score(a.seconds());
  }

  /** The declarations, tallies and answers of one (miner, task). */
  private static final class Series {
    final NavigableMap<Long, Long> declared = new TreeMap<>();
    final NavigableMap<Long, PeriodTally> tallies = new TreeMap<>();
    final List<Answer> answers = new ArrayList<>();
  }

  private record AnswerKey(String miner, String task, String answerId) {}

  /** The visible part of the event log, grouped (steps 1 and 2 of the class comment). */
  private static final class Log {
    final SortedMap<String, SortedMap<String, Series>> series = new TreeMap<>();
    final Map<AnswerKey, QualityChecked> checks = new HashMap<>();
    TaskWeightsChanged taskWeights;

    static Log read(List<? extends ScoringEvent> events, ScoringParams params, long computedAt) {
      long current = params.periodOf(computedAt);
      Log log = new Log();
      long seq = 0;
      for (ScoringEvent event : events) {
        seq++;
        if (event instanceof CapacityDeclared d) {
          if (d.period() <= current) {
            log.series(d.task(), d.miner()).declared.put(d.period(), d.declared());
          }
        } else if (event instanceof RequestOutcome o) {
          if (o.at() <= computedAt && o.period() <= current) {
            Series s = log.series(o.task(), o.miner());
            s.tallies.computeIfAbsent(o.period(), PeriodTally::new).add(o);
            if (o.outcome() == RequestOutcome.Outcome.SUCCESS) {
              s.answers.add(new Answer(o.at(), o.answerId(), seq, o.units(), o.seconds()));
            }
          }
        } else if (event instanceof QualityChecked c) {
          if (c.at() <= computedAt) {
            log.checks.merge(new AnswerKey(c.miner(), c.task(), c.answerId()), c,
                (old, next) -> next.at() >= old.at() ? next : old);
          }
        } else if (event instanceof TaskWeightsChanged t) {
          if (t.at() <= computedAt && (log.taskWeights == null || t.at() >= log.taskWeights.at())) {
            log.taskWeights = t;
          }
        }
      }
      return log;
    }

    Series series(String task, String miner) {
      return series.computeIfAbsent(task, t -> new TreeMap<>())
          .computeIfAbsent(miner, m -> new Series());
    }

    Double quality(String miner, String task, String answerId) {
      QualityChecked check = checks.get(new AnswerKey(miner, task, answerId));
      return check == null ? null : check.quality();
    }
  }
}
