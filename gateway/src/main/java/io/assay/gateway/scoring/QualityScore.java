package io.assay.gateway.scoring;

import java.util.ArrayList;
import java.util.List;

/**
 * Quality {@code Q} of one (miner, task), SCORING.md section 4.
 *
 * <p>It counts the checked answers of the last {@code quality_window} (5 days), or the latest
 * {@code min_answers} (50) checked answers when the window holds fewer, each weighted by {@code
 * w / p}: an answer that did more work, or that had less chance of being checked, stands for
 * more of the miner's traffic. So a miner cannot hide its worst answers among many small
 * checked ones, nor behind the organic traffic checked only now and then.
 *
 * <pre>
 *   Q = weighted mean(q^1.5);  if Q &lt; 0.85 then Q = Q^2 / 0.85;  Q = 0 with no checked answer
 * </pre>
 *
 * @param value {@code Q}; 0 without checked answers (or when they all did no work)
 * @param checked how many checked answers it was taken over
 * @param meanQuality the weighted mean of plain {@code q} over the same answers, which stands
 *     for an unchecked answer's quality in the speed bonus; 0 without checked answers
 */
record QualityScore(double value, int checked, double meanQuality) {

  static final QualityScore NONE = new QualityScore(0, 0, 0);

  /**
   * @param answers the (miner, task)'s successful answers, in log order
   */
  static QualityScore of(List<Answer> answers, ScoringParams params, long computedAt) {
    List<Answer> checked = new ArrayList<>();
    for (Answer a : answers) {
      if (a.checked()) {
        checked.add(a);
      }
    }
    if (checked.isEmpty()) {
      return NONE;
    }
    checked.sort(Answer.NEWEST_FIRST);
    long from = computedAt - params.qualityWindow().toMillis();
    int inWindow = 0;
    while (inWindow < checked.size() && checked.get(inWindow).at() >= from) {
      inWindow++;
    }
    int n = Math.max(inWindow, Math.min(params.minAnswers(), checked.size()));
    List<Answer> counted = new ArrayList<>(checked.subList(0, n));
    counted.sort(Answer.LOG_ORDER);

    double weights = 0;
    double powered = 0;
    double plain = 0;
    for (Answer a : counted) {
      double w = a.qualityWeight();
      weights += w;
      powered += w * StrictMath.pow(a.quality(), params.qualityExponent());
      plain += w * a.quality();
    }
    return fromSums(weights, powered, plain, n, params);
  }

  /**
   * Q from the weighted sums of the counted answers' {@code q^exponent} and {@code q}: the one
   * place the threshold rule is applied, for the log reader and the incremental state alike.
   */
  static QualityScore fromSums(double weights, double powered, double plain, int n,
      ScoringParams params) {
    if (weights == 0) {
      return new QualityScore(0, n, 0);
    }
    double q = powered / weights;
    if (q < params.qualityThreshold()) {
      q = q * q / params.qualityThreshold();
    }
    return new QualityScore(q, n, plain / weights);
  }
}
