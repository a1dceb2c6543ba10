package io.assay.gateway.scoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The speed bonus of every miner of one task, SCORING.md section 4: a work-weighted mid-rank
 * over the pooled answers of all the task's miners in the quality window, checked or not.
 *
 * <pre>
 *   z      = q' * v        q' the answer's q if checked, else its miner's weighted mean q
 *   G(z)   = (work of answers with z' &gt; z  +  1/2 * work of answers with z' = z) / all work
 *   bonus(answer) = bonus_span * (1/2 - G(z))
 *   bonus(miner)  = work-weighted mean of its answers' bonuses
 * </pre>
 *
 * <p>Why this shape: an answer's bonus depends only on the answers' {@code z} and work, never
 * on which hotkey gave them, so moving answers between identities (splitting a miner) changes
 * no answer's bonus and the work-weighted means add back up to the whole; equal answers share
 * one bonus, so ties need no tie-break (the old rank of identities broke ties by hotkey).
 */
final class SpeedBonus {

  private SpeedBonus() {}

  /**
   * @param answers every (miner, task) answer list of the task, by miner, each in log order
   * @param meanQuality each miner's weighted mean {@code q} ({@link QualityScore#meanQuality})
   * @param speed {@code v} of an answer: work per second, or a response-time score
   * @return each miner's bonus, by hotkey; 0 for a miner without work in the window
   */
  static SortedMap<String, Double> of(Map<String, List<Answer>> answers,
      Map<String, Double> meanQuality, ToDoubleFunction<Answer> speed, ScoringParams params,
      long computedAt) {
    long from = computedAt - params.qualityWindow().toMillis();
    List<Scored> pool = new ArrayList<>();
    long allWork = 0;
    for (Map.Entry<String, List<Answer>> e : new TreeMap<>(answers).entrySet()) {
      double fallback = meanQuality.getOrDefault(e.getKey(), 0.0);
      for (Answer a : e.getValue()) {
        if (a.at() >= from) {
          double q = a.checked() ? a.quality() : fallback;
          pool.add(new Scored(a, q * speed.applyAsDouble(a)));
          allWork += a.units();
        }
      }
    }
    // Descending z; work sums are exact (integers), so the mid-rank of a group of equal z does
    // not depend on the order within it.
    pool.sort(Comparator.comparingDouble(Scored::z).reversed());
    double[] bonus = new double[pool.size()];
    long above = 0;
    int i = 0;
    while (i < pool.size()) {
      int j = i;
      long group = 0;
      while (j < pool.size() && Double.compare(pool.get(j).z(), pool.get(i).z()) == 0) {
        group += pool.get(j).answer().units();
        j++;
      }
      double g = allWork == 0 ? 0.5 : (above + group / 2.0) / allWork;
      for (int k = i; k < j; k++) {
        bonus[k] = params.bonusSpan() * (0.5 - g);
      }
      above += group;
      i = j;
    }

    // Each miner's work-weighted mean, summed in log order.
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < pool.size(); k++) {
      order.add(k);
    }
    order.sort(Comparator.comparingLong(k -> pool.get(k).answer().seq()));
    Map<String, double[]> sums = new TreeMap<>();
    for (int k : order) {
      Answer a = pool.get(k).answer();
      double[] s = sums.computeIfAbsent(a.miner(), m -> new double[2]);
      s[0] += a.units() * bonus[k];
      s[1] += a.units();
    }
    SortedMap<String, Double> out = new TreeMap<>();
    for (String miner : answers.keySet()) {
      double[] s = sums.get(miner);
      out.put(miner, s == null || s[1] == 0 ? 0.0 : s[0] / s[1]);
    }
    return out;
  }

  private record Scored(Answer answer, double z) {}
}
