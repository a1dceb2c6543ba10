package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.EMB;
import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.scoring.MarketLog.Behaviour;
import io.assay.gateway.scoring.MarketLog.Miner;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightCalculator#reweigh}, behind the dashboard's preview of task weights: the latest
 * report weighed with other task weights is what a computation at the same time would have given
 * had the task weights been those, bit for bit, over generated two-task markets.
 */
class WeightPreviewTest {

  private static final int TRIES = 40;

  /** Miners of two tasks, some serving one task only, one cheating; a seeded draw. */
  private static List<ScoringEvent> market(long seed, ScoringParams params, int periods) {
    SplittableRandom draw = new SplittableRandom(seed);
    List<Miner> llm = new ArrayList<>();
    List<Miner> emb = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      long rate = 200 + draw.nextInt(2000);
      Miner m = Miner.honest("both-" + i, rate, 1.0 / (32 + draw.nextInt(64)));
      llm.add(m);
      emb.add(m);
    }
    llm.add(Miner.honest("llm-only", 200 + draw.nextInt(2000), 1.0 / 64));
    emb.add(Miner.honest("emb-only", 200 + draw.nextInt(2000), 1.0 / 64));
    long rate = 200 + draw.nextInt(2000);
    llm.add(new Miner("cheater", Behaviour.RANDOM_OUTPUT, rate, rate, 1.0 / 64, "cheater"));
    return new MarketLog(seed, params).task(LLM, 0.5, llm).task(EMB, 0.5, emb)
        .organicLoad(draw.nextDouble()).run(periods);
  }

  @Test
  void reweigh_withTheReportsOwnTaskWeights_returnsTheReportBitForBit() {
    for (long seed = 0; seed < TRIES; seed++) {
      int periods = 1 + (int) (seed % 6);
      WeightReport report = WeightCalculator.compute(market(seed, ScoringParams.defaults(),
          periods), MarketLog.endOf(periods));
      assertThat(WeightCalculator.reweigh(report, report.taskWeights())).as("seed %d", seed)
          .isEqualTo(report);
    }
  }

  @Test
  void reweigh_givesWhatAComputationUnderThoseTaskWeightsGives() {
    boolean moved = false;
    for (long seed = 0; seed < TRIES; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      int periods = 1 + draw.nextInt(6);
      ScoringParams params = ScoringParams.defaults()
          .withBurnUid(draw.nextBoolean() ? 0 : null);
      List<ScoringEvent> log = market(seed, params, periods);
      long at = MarketLog.endOf(periods);
      WeightReport latest = WeightCalculator.compute(log, at);

      SortedMap<String, Double> proposed = new TreeMap<>();
      double llm = draw.nextInt(5) == 0 ? draw.nextInt(2) : draw.nextDouble();
      proposed.put(LLM, llm);
      proposed.put(EMB, 1 - llm);
      List<ScoringEvent> changed = new ArrayList<>(log);
      changed.add(new TaskWeightsChanged(at, proposed, "api:test"));
      WeightReport computed = WeightCalculator.compute(changed, at);

      WeightReport preview = WeightCalculator.reweigh(latest, proposed);
      assertThat(preview).as("seed %d, llm weight %s", seed, llm).isEqualTo(computed);
      moved |= !preview.weights().equals(latest.weights());
    }
    assertThat(moved).as("some task weights moved some miner's weight").isTrue();
  }
}
