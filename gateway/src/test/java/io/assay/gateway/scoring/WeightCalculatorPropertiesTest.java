package io.assay.gateway.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.assay.gateway.scoring.Simulation.Behaviour;
import io.assay.gateway.scoring.Simulation.Miner;
import io.assay.gateway.scoring.WeightReport.TaskReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;

/**
 * SCORING.md section 8, the rules that need no checking server, over simulated event logs (see
 * {@link Simulation}). Each property states its preconditions; where the spec as written breaks
 * a rule outside them, {@link ScoringGapsTest} pins the counterexample down.
 */
class WeightCalculatorPropertiesTest {

  private static final ScoringParams PARAMS = ScoringParams.defaults();
  private static final String A = "a/task";
  private static final String B = "b/task";
  private static final String C = "c/task";

  /**
   * An honest miner earns more than one that overclaims (declares 5x, serves 1x, then 429s),
   * one that is 10x slower and one that fails 30% of requests, all in one task.
   *
   * <p>Preconditions. Each period asks every miner at least 80% of its declaration: outcomes
   * expose an overclaimer only when it is asked for more than it really serves, and under light
   * load it looks honest. All run on the same hardware, with exact speeds (1/64 s per unit),
   * and the honest miner wins the speed tie (its hotkey sorts first). Without that, the rank
   * bonus (CQS 1.25 against 0.75) together with {@code good} counting requests rather than
   * units lets an overclaimer that was sent small requests first outearn the honest miner (see
   * {@link ScoringGapsTest}).
   */
  @Property(tries = 50)
  void honestMiner_outearnsOverclaimingSlowAndFlakyOnes(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 20) int periods,
      @ForAll @LongRange(min = 30, max = 300) long capacity,
      @ForAll("adversaries") Set<Behaviour> adversaries,
      @ForAll @DoubleRange(min = 0.8, max = 1) double minLoad) {
    Miner honest = new Miner("a-honest", Behaviour.HONEST, capacity, 1.0 / 64);
    List<Miner> miners = new ArrayList<>(List.of(honest));
    for (Behaviour b : adversaries) {
      miners.add(new Miner("b-" + b.name().toLowerCase(), b, capacity, 1.0 / 64));
    }

    WeightReport report = compute(simulation(new Simulation(seed).exactSpeeds(), seed, periods,
        minLoad, Map.of(A, miners)).events(), periods);

    for (Miner adversary : miners.subList(1, miners.size())) {
      assertThat(report.weights().get(honest.hotkey()))
          .as("honest vs %s", adversary.hotkey())
          .isGreaterThan(report.weights().get(adversary.hotkey()));
    }
  }

  @Provide
  Arbitrary<Set<Behaviour>> adversaries() {
    return Arbitraries.of(Behaviour.OVERCLAIMING, Behaviour.SLOW, Behaviour.FLAKY).set()
        .ofMinSize(1);
  }

  /**
   * A miner that splits its capacity, and with it its traffic, evenly across two identities on
   * the same hardware does not raise its total weight, whatever its rank among 1 to 3
   * competitors. Preconditions: an even split, and speeds measured without noise. A lopsided
   * split can gain, because the extra identity moves everyone's speed rank (see {@link
   * ScoringGapsTest}); with noisy speeds each identity is another draw for a better rank.
   */
  @Property(tries = 50)
  void splittingAMinerEvenlyAcrossTwoIdentities_doesNotRaiseItsTotalWeight(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 12) int periods,
      @ForAll @LongRange(min = 40, max = 300) long capacity,
      @ForAll @DoubleRange(min = 0.002, max = 0.05) @Scale(4) double secondsPerUnit,
      @ForAll @IntRange(min = 1, max = 3) int competitors) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Miner> others = new ArrayList<>();
    for (int i = 0; i < competitors; i++) {
      others.add(new Miner("c" + i, Behaviour.HONEST, 40 + random.nextInt(260),
          0.002 + 0.048 * random.nextDouble()));
    }
    long first = capacity / 2;
    List<Miner> whole = new ArrayList<>(others);
    whole.add(new Miner("x", Behaviour.HONEST, capacity, secondsPerUnit));
    List<Miner> split = new ArrayList<>(others);
    split.add(new Miner("x1", Behaviour.HONEST, first, secondsPerUnit));
    split.add(new Miner("x2", Behaviour.HONEST, capacity - first, secondsPerUnit));

    WeightReport one = compute(
        simulation(new Simulation(seed).exactSpeeds(), seed, periods, 1, Map.of(A, whole))
            .events(), periods);
    WeightReport two = compute(
        simulation(new Simulation(seed).exactSpeeds(), seed, periods, 1, Map.of(A, split))
            .events(), periods);

    assertThat(two.weights().get("x1") + two.weights().get("x2"))
        .isLessThanOrEqualTo(one.weights().get("x") + 1e-12);
  }

  /**
   * Moving task weight from task A to task B changes no miner's task scores, and changes each
   * miner's weight by exactly {@code sum over tasks of (w'(task) - w(task)) * t(miner, task)}:
   * miners serving neither A nor B keep their weight, and within A and B weight moves in
   * proportion to {@code t}. Precondition: every task has a miner that earns (otherwise that
   * task's weight is spread over everyone by the normalisation).
   */
  @Property(tries = 50)
  void movingTaskWeight_movesMinerWeightOnlyThroughTheChangedTasks(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 10) int periods,
      @ForAll @IntRange(min = 0, max = 4) int extraMiners,
      @ForAll @DoubleRange(min = 0.05, max = 0.9) double weightA,
      @ForAll @DoubleRange(min = 0.05, max = 0.9) double weightB,
      @ForAll @DoubleRange(min = 0, max = 1) double moved) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> tasks = List.of(A, B, C);
    Map<String, List<Miner>> byTask = Map.of(A, new ArrayList<>(), B, new ArrayList<>(), C,
        new ArrayList<>());
    for (int i = 0; i < 3 + extraMiners; i++) {
      Behaviour behaviour = Behaviour.values()[random.nextInt(Behaviour.values().length)];
      Miner miner = new Miner("m" + i, i < 3 ? Behaviour.HONEST : behaviour,
          30 + random.nextInt(200), 0.002 + 0.02 * random.nextDouble());
      for (int t = 0; t < 3; t++) {
        if (t == i || (i >= 3 && random.nextBoolean())) {
          byTask.get(tasks.get(t)).add(miner);
        }
      }
    }
    double total = weightA + weightB + 1;
    double a = weightA / total;
    double b = weightB / total;
    double delta = a * moved;
    Map<String, Double> before = Map.of(A, a, B, b, C, 1 - a - b);
    Map<String, Double> after = Map.of(A, a - delta, B, b + delta, C, 1 - a - b);

    List<ScoringEvent> events = simulate(seed, periods, 0.8, byTask);
    WeightReport one = WeightCalculator.compute(withWeights(before, events), PARAMS,
        Simulation.endOf(periods));
    WeightReport two = WeightCalculator.compute(withWeights(after, events), PARAMS,
        Simulation.endOf(periods));

    for (String miner : one.weights().keySet()) {
      Map<String, TaskReport> scores = one.miners().get(miner).tasks();
      assertThat(two.miners().get(miner).tasks()).isEqualTo(scores);
      double expected = 0;
      for (Map.Entry<String, TaskReport> e : scores.entrySet()) {
        expected += (after.get(e.getKey()) - before.get(e.getKey())) * e.getValue().taskScore();
      }
      assertThat(two.weights().get(miner) - one.weights().get(miner))
          .as("change of %s", miner).isCloseTo(expected, within(1e-12));
      if (!scores.containsKey(A) && !scores.containsKey(B)) {
        assertThat(two.weights().get(miner)).isCloseTo(one.weights().get(miner), within(1e-12));
      }
    }
  }

  /**
   * Recomputing from the same log, from the log written to JSON lines and read back, and from
   * the log in another order (it has no duplicates) gives the same doubles, bit for bit.
   */
  @Property(tries = 50)
  void recomputing_givesTheSameBits(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 12) int periods,
      @ForAll @DoubleRange(min = 0, max = 1) double checkedShare) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, List<Miner>> byTask = Map.of(A, new ArrayList<>(), B, new ArrayList<>());
    for (int i = 0; i < 5; i++) {
      Miner miner = new Miner("m" + i, Behaviour.values()[i % 4], 20 + random.nextInt(100),
          0.001 + 0.02 * random.nextDouble());
      byTask.get(i % 2 == 0 ? A : B).add(miner);
      if (i == 4) {
        byTask.get(B).add(miner);
      }
    }
    List<ScoringEvent> events = simulation(new Simulation(seed), seed, periods, 0.5, byTask)
        .checkSome(checkedShare).events();
    long at = Simulation.endOf(periods);

    WeightReport first = WeightCalculator.compute(events, PARAMS, at);
    WeightReport again = WeightCalculator.compute(events, PARAMS, at);
    WeightReport fromJson = WeightCalculator.compute(
        EventLog.fromJsonLines(EventLog.toJsonLines(events)), PARAMS, at);
    List<ScoringEvent> shuffled = new ArrayList<>(events);
    Collections.shuffle(shuffled, new Random(seed));
    WeightReport reordered = WeightCalculator.compute(shuffled, PARAMS, at);

    List<Long> bits = bits(first);
    assertThat(bits(again)).isEqualTo(bits);
    assertThat(bits(fromJson)).isEqualTo(bits);
    assertThat(bits(reordered)).isEqualTo(bits);
    assertThat(List.of(again, fromJson, reordered)).allMatch(first::equals);
  }

  /** Every double of the report, as raw bits, in the report's (sorted) order. */
  private static List<Long> bits(WeightReport report) {
    List<Double> values = new ArrayList<>(report.weights().values());
    report.miners().values().forEach(m -> m.tasks().values().forEach(t -> {
      values.add(t.periodScore());
      values.add(t.nps());
      values.add(t.quality());
      values.add(t.speed());
      values.add(t.cqs());
      values.add(t.taskScore());
    }));
    return values.stream().map(v -> v == null ? 0L : Double.doubleToRawLongBits(v)).toList();
  }

  /**
   * Simulates {@code periods} periods of the miners of each task; each period asks every miner
   * the same load in {@code [minLoad, 1]}. Task weights are spread evenly over the tasks.
   */
  static List<ScoringEvent> simulate(long seed, int periods, double minLoad,
      Map<String, List<Miner>> byTask) {
    return simulation(new Simulation(seed), seed, periods, minLoad, byTask).events();
  }

  static Simulation simulation(Simulation sim, long seed, int periods, double minLoad,
      Map<String, List<Miner>> byTask) {
    SplittableRandom loads = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<String> tasks = byTask.keySet().stream().sorted().toList();
    Map<String, Double> weights = new TreeMap<>();
    tasks.forEach(t -> weights.put(t, 1.0 / tasks.size()));
    sim.taskWeights(0, weights);
    for (int p = 0; p < periods; p++) {
      double load = minLoad + (1 - minLoad) * loads.nextDouble();
      for (String task : tasks) {
        for (Miner miner : byTask.get(task)) {
          sim.period(p, task, miner, load);
        }
      }
    }
    return sim;
  }

  private static WeightReport compute(List<ScoringEvent> events, int periods) {
    return WeightCalculator.compute(events, PARAMS, Simulation.endOf(periods));
  }

  private static List<ScoringEvent> withWeights(Map<String, Double> weights,
      List<ScoringEvent> events) {
    List<ScoringEvent> all = new ArrayList<>(events);
    all.add(new ScoringEvent.TaskWeightsChanged(1, weights, "api:test"));
    return all;
  }
}
