package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Simulates miners serving tasks period by period and records what the gateway would: one
 * declaration per (period, miner, task), then the requests the miner was sent, organic and
 * synthetic alike, and how each ended. Deterministic for a seed; plain Java, so any test
 * harness can drive it.
 *
 * <p>A miner is sent {@code load} times its declared capacity in requests of 1 to 10 units,
 * spread evenly over the period. Answers take {@code secondsPerUnit} per unit, give or take a
 * random 10% unless speeds are {@linkplain #exactSpeeds() exact}.
 */
final class Simulation {

  static final long PERIOD = ScoringParams.defaults().periodMillis();

  /** How a simulated miner behaves. */
  enum Behaviour {
    /** Declares what it can serve and serves every request. */
    HONEST,
    /** Declares 5x what it can serve; serves until its real capacity is used, then 429s. */
    OVERCLAIMING,
    /**
     * Declares 5x what it can serve; serves every request that still fits in its real capacity
     * and 429s the others, so small requests tend to be served.
     */
    CHERRY_PICKING,
    /** Honest, but ten times as slow. */
    SLOW,
    /** Honest, but 3 of every 10 requests fail. */
    FLAKY
  }

  /**
   * @param capacity what the miner can really serve per period, in units
   */
  record Miner(String hotkey, Behaviour behaviour, long capacity, double secondsPerUnit) {

    long declared() {
      return behaviour == Behaviour.OVERCLAIMING || behaviour == Behaviour.CHERRY_PICKING
          ? 5 * capacity : capacity;
    }
  }

  private final SplittableRandom random;
  private final List<ScoringEvent> events = new ArrayList<>();
  private double jitter = 0.1;

  Simulation(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Every answer of a miner takes exactly {@code secondsPerUnit} per unit. */
  Simulation exactSpeeds() {
    jitter = 0;
    return this;
  }

  /** The end of the last of {@code periods} periods starting at 0: when to compute. */
  static long endOf(int periods) {
    return periods * PERIOD - 1;
  }

  Simulation taskWeights(long at, Map<String, Double> weights) {
    events.add(new TaskWeightsChanged(at, weights, "config"));
    return this;
  }

  /** One period of {@code miner} in {@code task}, asked {@code load} times its declaration. */
  Simulation period(long period, String task, Miner miner, double load) {
    events.add(new CapacityDeclared(period, miner.hotkey(), task, miner.declared()));
    List<Long> requests = new ArrayList<>();
    long asked = Math.round(load * miner.declared());
    for (long sum = 0; sum < asked; ) {
      long units = Math.min(1 + random.nextInt(10), asked - sum);
      requests.add(units);
      sum += units;
    }
    long served = 0;
    boolean full = false;
    double slowdown = miner.behaviour() == Behaviour.SLOW ? 10 : 1;
    for (int i = 0; i < requests.size(); i++) {
      long units = requests.get(i);
      long at = period * PERIOD + (i + 1) * PERIOD / (requests.size() + 1);
      String answerId = miner.hotkey() + "/" + task + "/" + period + "/" + i;
      Outcome outcome = Outcome.SUCCESS;
      if (miner.behaviour() == Behaviour.FLAKY && i % 10 < 3) {
        outcome = Outcome.FAILED;
      } else if (served + units > miner.capacity()
          && (miner.behaviour() == Behaviour.CHERRY_PICKING
              || miner.behaviour() == Behaviour.OVERCLAIMING)) {
        outcome = Outcome.RATE_LIMITED;
        full = true;
      } else if (full && miner.behaviour() == Behaviour.OVERCLAIMING) {
        outcome = Outcome.RATE_LIMITED;
      }
      double seconds = outcome == Outcome.SUCCESS
          ? units * miner.secondsPerUnit() * slowdown * (1 + jitter * (2 * random.nextDouble() - 1))
          : 0.5;
      served += outcome == Outcome.SUCCESS ? units : 0;
      events.add(new RequestOutcome(at, period, miner.hotkey(), task, answerId, outcome,
          outcome == Outcome.SUCCESS ? units : 0, seconds, i % 4 == 0));
    }
    return this;
  }

  /** Checks about {@code share} of the answers so far, with q drawn from [-0.2, 1]. */
  Simulation checkSome(double share) {
    List<QualityChecked> checks = new ArrayList<>();
    for (ScoringEvent event : events) {
      if (event instanceof RequestOutcome o && o.outcome() == Outcome.SUCCESS
          && random.nextDouble() < share) {
        checks.add(new QualityChecked(o.at() + 1, o.miner(), o.task(), o.answerId(),
            -0.2 + 1.2 * random.nextDouble()));
      }
    }
    events.addAll(checks);
    return this;
  }

  List<ScoringEvent> events() {
    return List.copyOf(events);
  }
}
