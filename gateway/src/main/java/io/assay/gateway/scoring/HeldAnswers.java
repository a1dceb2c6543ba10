package io.assay.gateway.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Section 4 for one task from {@link ScoringState}'s columns, as of one computation: the same
 * selections, sums and order as {@link QualityScore#of} and {@link SpeedBonus#of} over the
 * reference's answer lists, so the same bits. Read-only over the state; one per task and
 * computation.
 */
final class HeldAnswers implements ScoringInput.Answers {

  private final TaskState task;
  private final SortedMap<String, SeriesState> miners;
  private final ScoringParams params;
  private final long from;

  HeldAnswers(TaskState task, SortedMap<String, SeriesState> miners, ScoringParams params,
      long computedAt) {
    this.task = task;
    this.miners = miners;
    this.params = params;
    this.from = computedAt - params.qualityWindow().toMillis();
  }

  private boolean answer(AnswerRows rows, int i) {
    return !rows.abandoned(i)
        || !PeriodTally.stalled(task.task, rows.units(i), rows.seconds(i), params);
  }

  /**
   * The checked answers of the window, or when it holds fewer than {@code min_answers} the
   * newest that many (reaching back into the old checked answers), summed in log order.
   */
  @Override
  public QualityScore quality(String miner) {
    SeriesState s = miners.get(miner);
    AnswerRows rows = s.rows;
    int inWindow = 0;
    int older = 0;
    for (int i = rows.first(); i < rows.last(); i++) {
      if (rows.checked(i) && answer(rows, i)) {
        if (rows.at(i) >= from) {
          inWindow++;
        } else {
          older++;
        }
      }
    }
    List<OldAnswer> old = new ArrayList<>();
    for (OldAnswer a : s.oldChecked.newestFirst()) {
      if (a.answer(task.task, params)) {
        old.add(a);
      }
    }
    int total = inWindow + older + old.size();
    if (total == 0) {
      return QualityScore.NONE;
    }
    int n = Math.max(inWindow, Math.min(params.minAnswers(), total));
    // The newest n - inWindow of the checked answers before the window: rows first
    // considered as old answers, then the newest first among all of them.
    List<OldAnswer> extra = new ArrayList<>();
    java.util.Set<Long> extraRows = new java.util.HashSet<>();
    if (n > inWindow) {
      List<OldAnswer> candidates = new ArrayList<>(old);
      for (int i = rows.first(); i < rows.last(); i++) {
        if (rows.checked(i) && answer(rows, i) && rows.at(i) < from) {
          candidates.add(rows.toOld(i));
        }
      }
      candidates.sort(OldAnswer.NEWEST_FIRST);
      for (OldAnswer a : candidates.subList(0, n - inWindow)) {
        extra.add(a);
      }
      extra.sort(java.util.Comparator.comparingLong(OldAnswer::seq));
      // Held old answers all precede the rows in the log; counted rows are summed in place.
      extra.removeIf(a -> {
        if (rows.size() > 0 && a.seq() >= rows.seq(rows.first())) {
          extraRows.add(a.seq());
          return true;
        }
        return false;
      });
    }

    double weights = 0;
    double powered = 0;
    double plain = 0;
    for (OldAnswer a : extra) {
      weights += a.weight();
      powered += a.weight() * a.powered();
      plain += a.weight() * a.quality();
    }
    for (int i = rows.first(); i < rows.last(); i++) {
      if (rows.checked(i) && answer(rows, i)
          && (rows.at(i) >= from || extraRows.contains(rows.seq(i)))) {
        double w = rows.weight(i);
        weights += w;
        powered += w * rows.powered(i);
        plain += w * rows.quality(i);
      }
    }
    return QualityScore.fromSums(weights, powered, plain, n, params);
  }

  @Override
  public SortedMap<String, Double> speedBonus(Map<String, Double> meanQuality) {
    ResponseTimeCurve curve = curve();
    SpeedRanks pool = SpeedRanks.start();
    int[] bounds = new int[miners.size() + 1];
    int m = 0;
    for (Map.Entry<String, SeriesState> e : miners.entrySet()) {
      double fallback = meanQuality.getOrDefault(e.getKey(), 0.0);
      AnswerRows rows = e.getValue().rows;
      bounds[m++] = pool.size();
      for (int i = rows.first(); i < rows.last(); i++) {
        if (rows.at(i) >= from && answer(rows, i)) {
          double q = rows.checked(i) ? rows.quality(i) : fallback;
          double seconds = rows.seconds(i);
          double v = curve != null ? curve.score(seconds)
              : rows.units(i) / Math.max(seconds, Answer.MIN_SECONDS);
          pool.add(q * v, rows.units(i));
        }
      }
    }
    bounds[m] = pool.size();
    double[] means = pool.bonus(bounds, params.bonusSpan());
    SortedMap<String, Double> out = new TreeMap<>();
    int k = 0;
    for (String miner : miners.keySet()) {
      out.put(miner, means[k++]);
    }
    return out;
  }

  /**
   * For a task judged by response time, the curve through its {@code zk.recent} newest answers
   * (of any age); null for a task judged by throughput, or one without answers.
   */
  private ResponseTimeCurve curve() {
    ScoringParams.TaskParams t = params.task(task.task);
    if (t.responseTimeout() == null) {
      return null;
    }
    NewestAnswers newest = new NewestAnswers(params.zkRecent());
    for (SeriesState s : miners.values()) {
      AnswerRows rows = s.rows;
      for (int i = rows.first(); i < rows.last(); i++) {
        if (answer(rows, i)) {
          newest.offer(rows.at(i), rows.seq(i), rows.seconds(i));
        }
      }
    }
    for (OldAnswer a : task.oldRecent.newestFirst()) {
      if (a.answer(task.task, params)) {
        newest.offer(a.at(), a.seq(), a.seconds());
      }
    }
    if (newest.size() == 0) {
      return null;
    }
    return ResponseTimeCurve.of(newest.seconds(), t.responseTimeout().toMillis() / 1000.0);
  }
}
