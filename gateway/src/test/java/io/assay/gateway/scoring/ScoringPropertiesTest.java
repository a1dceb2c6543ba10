package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.EMB;
import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.scoring.MarketLog.Behaviour;
import io.assay.gateway.scoring.MarketLog.Miner;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.CheckFailed;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SCORING.md section 8, as properties over generated event logs ({@link MarketLog}): seeded
 * JUnit 5 tests, each trying many seeds and naming the seed (and what it drew) when one fails,
 * with no preconditions that hide a case: every organic load from 0 to full, every period count,
 * every split ratio.
 */
class ScoringPropertiesTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults();
  private static final int TRIES = 120;
  /**
   * A service time whose multiples are exact in binary, so that equal speeds are equal to the
   * last bit (a mid-rank tells 99.99999999999999 from 100 units per second).
   */
  private static final double EXACT = 1.0 / 64;

  /** A market of three honest miners and one of {@code cheater}, all on one task. */
  private static WeightReport market(long seed, Behaviour cheater, double load, int periods,
      long rate, double overclaim) {
    List<Miner> miners = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      miners.add(Miner.honest("honest-" + i, rate, EXACT));
    }
    long declared = cheater == Behaviour.OVERCLAIM ? (long) (rate * overclaim) : rate;
    miners.add(new Miner("cheater", cheater, rate, declared, EXACT, "cheater"));
    List<ScoringEvent> log = new MarketLog(seed, PARAMS).task(LLM, 1.0, miners)
        .organicLoad(load).exactSpeeds().run(periods);
    return WeightCalculator.compute(log, MarketLog.endOf(periods));
  }

  @Test
  void anHonestMiner_outearnsEveryKindOfCheater_atAnyLoad() {
    Behaviour[] cheaters = {Behaviour.OVERCLAIM, Behaviour.RANDOM_OUTPUT, Behaviour.OTHER_MODEL,
        Behaviour.BAD_PROOF, Behaviour.GO_DARK, Behaviour.LATE, Behaviour.DETECTOR,
        Behaviour.STALLER, Behaviour.EARLY_STOP, Behaviour.CHECKER_FAILS, Behaviour.SLOW,
        Behaviour.FLAKY};
    for (long seed = 0; seed < TRIES; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      Behaviour cheater = cheaters[draw.nextInt(cheaters.length)];
      double load = draw.nextInt(5) == 0 ? draw.nextInt(2) : draw.nextDouble();
      int periods = 1 + draw.nextInt(10);
      long rate = 200 + draw.nextInt(2000);
      double overclaim = 1.2 + draw.nextDouble() * 5;
      WeightReport r = market(seed, cheater, load, periods, rate, overclaim);
      String drawn = String.format("seed %d: %s, load %.2f, %d periods, rate %d, overclaim %.2f",
          seed, cheater, load, periods, rate, overclaim);
      double cheat = r.weights().getOrDefault("cheater", 0.0);
      for (int i = 1; i <= 3; i++) {
        double honest = r.weights().get("honest-" + i);
        if (honest == 0) {
          // None of the honest miner's answers was checked yet (a short log whose windows
          // were all filled by organic traffic): nothing is verified, nobody earns.
          assertThat(cheat).as(drawn).isZero();
        } else if (cheater == Behaviour.DETECTOR && !servedACheckedOrganicAnswer(r)) {
          // It recognised nothing to serve badly, so it served honestly: no worse, no better.
          assertThat(honest).as(drawn).isGreaterThanOrEqualTo(cheat * (1 - 1e-12));
        } else {
          assertThat(honest).as(drawn).isGreaterThan(cheat);
        }
      }
    }
  }

  /** Whether the detector's quality shows a bad organic answer (it is below 1). */
  private static boolean servedACheckedOrganicAnswer(WeightReport r) {
    WeightReport.TaskReport t = r.miners().get("cheater").tasks().get(LLM);
    return t.quality() != null && t.quality() < 1;
  }

  @Test
  void identitiesTimeSharingOneMachine_earnTogetherLessThanAnHonestMiner() {
    for (long seed = 0; seed < TRIES / 2; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      int n = 2 + draw.nextInt(3);
      long rate = 200 + draw.nextInt(2000);
      double load = draw.nextDouble();
      int periods = 1 + draw.nextInt(8);
      List<Miner> miners = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        miners.add(Miner.honest("honest-" + i, rate, EXACT));
      }
      for (int i = 1; i <= n; i++) {
        miners.add(new Miner("share-" + i, Behaviour.HONEST, rate, rate, EXACT, "one-machine"));
      }
      List<ScoringEvent> log = new MarketLog(seed, PARAMS).task(LLM, 1.0, miners)
          .organicLoad(load).exactSpeeds().run(periods);
      WeightReport r = WeightCalculator.compute(log, MarketLog.endOf(periods));
      double shared = 0;
      for (int i = 1; i <= n; i++) {
        shared += r.weights().get("share-" + i);
      }
      assertThat(r.weights().get("honest-1"))
          .as("seed %d: %d identities, load %.2f, %d periods", seed, n, load, periods)
          .isGreaterThan(shared);
    }
  }

  /**
   * Splitting one miner's answers and capacity across 1 to 4 identities, in any ratio, never
   * raises their total weight; exactly, for the same window draws, with equal speeds and with
   * speed noise. Each answer is split into pieces in the ratio (the identities served it
   * together); the whole miner is the union of the pieces under one hotkey.
   */
  @Test
  void splittingAMiner_inAnyRatio_neverRaisesItsTotalWeight() {
    for (long seed = 0; seed < TRIES; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      int n = 1 + draw.nextInt(4);
      int[] twelfths = composition(12, n, draw);
      boolean noise = draw.nextBoolean();
      double load = draw.nextDouble();
      int periods = 1 + draw.nextInt(10);
      List<Miner> miners = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        miners.add(Miner.honest("other-" + i, 12 * (20 + draw.nextInt(200)),
            0.005 + draw.nextDouble() * 0.01));
      }
      miners.add(Miner.honest("x", 12 * (20 + draw.nextInt(200)), 0.01));
      MarketLog market = new MarketLog(seed, PARAMS).task(LLM, 1.0, miners).organicLoad(load)
          .quantum(12);
      List<ScoringEvent> base = (noise ? market : market.exactSpeeds()).run(periods);
      double[] slowdown = new double[n];
      for (int j = 0; j < n; j++) {
        slowdown[j] = noise ? 0.7 + 0.6 * draw.nextDouble() : 1;
      }
      List<ScoringEvent> split = split(base, "x", twelfths, slowdown, false);
      List<ScoringEvent> whole = split(base, "x", twelfths, slowdown, true);
      long at = MarketLog.endOf(periods);
      WeightReport wholeReport = WeightCalculator.compute(whole, at);
      WeightReport splitReport = WeightCalculator.compute(split, at);
      double together = 0;
      for (int j = 0; j < n; j++) {
        together += splitReport.weights().get("x#" + j);
      }
      assertThat(together)
          .as("seed %d: %d identities %s, noise %s, load %.2f, %d periods", seed, n,
              java.util.Arrays.toString(twelfths), noise, load, periods)
          .isLessThanOrEqualTo(wholeReport.weights().get("x") * (1 + 1e-9));
      if (n > 1 && wholeReport.weights().get("x") > 0) {
        assertThat(together).isLessThan(wholeReport.weights().get("x"));
      }
    }
  }

  /** {@code total} as {@code n} positive parts, drawn uniformly among compositions. */
  private static int[] composition(int total, int n, SplittableRandom draw) {
    java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
    while (cuts.size() < n - 1) {
      cuts.add(1 + draw.nextInt(total - 1));
    }
    int[] parts = new int[n];
    int previous = 0;
    int i = 0;
    for (int cut : cuts) {
      parts[i++] = cut - previous;
      previous = cut;
    }
    parts[i] = total - previous;
    return parts;
  }

  /**
   * {@code log} with miner {@code x}'s capacity and every answer split into pieces of {@code
   * twelfths / 12} among identities {@code x#j}, piece j taking {@code slowdown[j]} times its
   * share of the time; with {@code rejoin}, the pieces are filed back under {@code x}.
   */
  private static List<ScoringEvent> split(List<ScoringEvent> log, String x, int[] twelfths,
      double[] slowdown, boolean rejoin) {
    List<ScoringEvent> out = new ArrayList<>();
    for (ScoringEvent e : log) {
      if (e instanceof CapacityDeclared d && d.miner().equals(x)) {
        if (rejoin) {
          out.add(d);
        } else {
          for (int j = 0; j < twelfths.length; j++) {
            out.add(new CapacityDeclared(d.at(), d.period(), x + "#" + j, d.task(),
                d.declared() * twelfths[j] / 12, d.concurrency()));
          }
        }
      } else if (e instanceof RequestOutcome o && o.miner().equals(x)) {
        for (int j = 0; j < twelfths.length; j++) {
          double seconds = o.seconds() * twelfths[j] / 12 * slowdown[j];
          out.add(new RequestOutcome(o.at(), o.assignedAt(), o.period(),
              rejoin ? x : x + "#" + j, o.task(), o.answerId() + "#" + j, o.outcome(),
              o.estimate() * twelfths[j] / 12, o.units() * twelfths[j] / 12, seconds,
              o.synthetic(), o.checkProbability()));
        }
      } else if (e instanceof QualityChecked c && c.miner().equals(x)) {
        for (int j = 0; j < twelfths.length; j++) {
          out.add(new QualityChecked(c.at(), rejoin ? x : x + "#" + j, c.task(),
              c.answerId() + "#" + j, c.quality()));
        }
      } else if (e instanceof CheckFailed || (e instanceof TestShortfall s
          && s.miner().equals(x))) {
        throw new IllegalStateException("an honest miner's log has no failures: " + e);
      } else {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void theRawWeight_isTheTaskWeightedSumOfTaskScores_evenAcrossTaskWeightChanges() {
    for (long seed = 0; seed < TRIES / 2; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      double w = draw.nextDouble();
      List<Miner> llm = List.of(Miner.honest("a", 500, 0.01), Miner.honest("b", 800, 0.02),
          new Miner("c", Behaviour.FLAKY, 600, 600, 0.01, "c"));
      List<Miner> emb = List.of(Miner.honest("a", 300, 0.01), Miner.honest("d", 900, 0.005));
      int periods = 1 + draw.nextInt(6);
      List<ScoringEvent> log = new ArrayList<>(new MarketLog(seed, PARAMS).task(LLM, w, llm)
          .task(EMB, 1 - w, emb).organicLoad(draw.nextDouble()).run(periods));
      double w2 = draw.nextDouble();
      long change = (long) (draw.nextDouble() * MarketLog.endOf(periods));
      log.add(new ScoringEvent.TaskWeightsChanged(change, Map.of(LLM, w2, EMB, 1 - w2), "api"));
      WeightReport r = WeightCalculator.compute(log, MarketLog.endOf(periods));
      double sum = 0;
      for (Map.Entry<String, WeightReport.MinerReport> m : r.miners().entrySet()) {
        double expected = 0;
        for (Map.Entry<String, WeightReport.TaskReport> t : m.getValue().tasks().entrySet()) {
          expected += r.taskWeights().get(t.getKey()) * t.getValue().taskScore();
        }
        assertThat(m.getValue().raw()).as("seed %d, miner %s", seed, m.getKey())
            .isEqualTo(expected);
        sum += m.getValue().raw();
      }
      assertThat(r.taskWeights()).containsEntry(LLM, w2);
      for (Map.Entry<String, Double> e : r.weights().entrySet()) {
        assertThat(e.getValue()).isEqualTo(sum == 0 ? 0 : r.miners().get(e.getKey()).raw() / sum);
      }
    }
  }

  /**
   * Recomputing from the same log gives the same numbers bit for bit, through the log's JSON
   * form and across a mid-log change of the scoring parameters, at any time.
   */
  @Test
  void recomputingFromTheLog_isBitForBit_acrossAParameterChange() {
    for (long seed = 0; seed < TRIES / 4; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      int periods = 2 + draw.nextInt(6);
      List<Miner> miners = List.of(Miner.honest("a", 500, 0.01),
          new Miner("b", Behaviour.OVERCLAIM, 400, 1200, 0.02, "b"),
          new Miner("c", Behaviour.FLAKY, 600, 600, 0.015, "c"),
          new Miner("d", Behaviour.DETECTOR, 700, 700, 0.01, "d"));
      List<ScoringEvent> log = new ArrayList<>(new MarketLog(seed, PARAMS).task(LLM, 1.0, miners)
          .organicLoad(draw.nextDouble()).run(periods));
      long change = (long) (draw.nextDouble() * MarketLog.endOf(periods));
      ScoringParams other = PARAMS.withTaskExponent(1 + draw.nextDouble() * 2)
          .withBurnUid(draw.nextBoolean() ? 0 : null);
      log.add(ScoringEvent.ParamsChanged.of(change, other));
      List<ScoringEvent> read = EventLog.fromJsonLines(EventLog.toJsonLines(log));
      for (int k = 0; k < 5; k++) {
        long at = (long) (draw.nextDouble() * MarketLog.endOf(periods) * 1.2);
        WeightReport first = WeightCalculator.compute(log, at);
        WeightReport again = WeightCalculator.compute(read, at);
        assertThat(again).as("seed %d at %d", seed, at).isEqualTo(first);
        first.weights().forEach((miner, w) -> assertThat(Double.doubleToRawLongBits(
            again.weights().get(miner))).isEqualTo(Double.doubleToRawLongBits(w)));
      }
    }
  }
}
