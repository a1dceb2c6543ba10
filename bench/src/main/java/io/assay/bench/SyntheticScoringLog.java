package io.assay.bench;

import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.ParamsChanged;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringParams;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A validator's scoring event log at a fixed request rate, generated second by second in the
 * order a gateway records it, without holding it: {@code miners x tasks} series, every miner
 * declaring every task at each period start, one test plan per task and period recorded when its
 * window ends, requests spread uniformly over the series, each ending {@code 0.05..5 s} after
 * it is assigned (so outcomes are recorded slightly out of time order, as they are), 95 %
 * successes, 3 % 429s, 2 % failures. Every synthetic request (10 %) and a tenth of organic ones
 * are checked ({@code p} 1 and 0.1), the verdict recorded a second after the answer; a tenth of
 * the miners get continuous qualities, the others 1. Work is 1 to 512 units and response times
 * continuous, so speeds ({@code z}) are all distinct: the speed bonus's ranking sees no ties.
 * Deterministic for a seed.
 */
final class SyntheticScoringLog {

  static final long HOUR = Duration.ofHours(1).toMillis();

  private final int miners;
  private final int tasks;
  private final int perSecond;
  private final SplittableRandom random;
  private final String[] hotkeys;
  private final String[] taskIds;
  private long answers;

  SyntheticScoringLog(int miners, int tasks, int perSecond, long seed) {
    this.miners = miners;
    this.tasks = tasks;
    this.perSecond = perSecond;
    this.random = new SplittableRandom(seed);
    this.hotkeys = new String[miners];
    for (int m = 0; m < miners; m++) {
      hotkeys[m] = String.format("5miner%04d", m);
    }
    this.taskIds = new String[tasks];
    for (int t = 0; t < tasks; t++) {
      taskIds[t] = "llm/model-" + t;
    }
  }

  /** The scoring parameters recorded first: the defaults, every task judged by throughput. */
  ScoringParams params() {
    Map<String, ScoringParams.TaskParams> byTask = new TreeMap<>();
    for (String t : taskIds) {
      byTask.put(t, ScoringParams.TaskParams.throughput(10));
    }
    return ScoringParams.defaults().withTasks(byTask);
  }

  /** The parameters and task weights, at {@code start}. */
  void header(long start, Consumer<ScoringEvent> out) {
    out.accept(ParamsChanged.of(start, params()));
    Map<String, Double> weights = new TreeMap<>();
    for (String t : taskIds) {
      weights.put(t, 1.0 / tasks);
    }
    out.accept(new TaskWeightsChanged(start, weights, "config"));
  }

  /** The events of the seconds {@code [from, to)} (epoch seconds, period-aligned {@code from}). */
  void seconds(long from, long to, Consumer<ScoringEvent> out) {
    for (long s = from; s < to; s++) {
      long millis = s * 1000;
      if (millis % HOUR == 0) {
        long period = millis / HOUR;
        for (int t = 0; t < tasks; t++) {
          for (int m = 0; m < miners; m++) {
            out.accept(new CapacityDeclared(millis + 1000, period, hotkeys[m], taskIds[t],
                200_000, 8));
          }
        }
      }
      if (millis % HOUR == HOUR / 2) {
        // the test windows of this period (the middle 10 %), recorded when they end
        long period = millis / HOUR;
        for (int t = 0; t < tasks; t++) {
          out.accept(new TestPlanned(millis, period, taskIds[t], 0.1, millis - HOUR / 10,
              millis));
        }
      }
      for (int r = 0; r < perSecond; r++) {
        request(millis + random.nextInt(1000), out);
      }
    }
  }

  private void request(long assigned, Consumer<ScoringEvent> out) {
    int m = random.nextInt(miners);
    int t = random.nextInt(tasks);
    long estimate = 1 + random.nextInt(512);
    double draw = random.nextDouble();
    Outcome outcome = draw < 0.95 ? Outcome.SUCCESS : draw < 0.98 ? Outcome.RATE_LIMITED
        : Outcome.FAILED;
    double seconds = outcome == Outcome.SUCCESS
        ? estimate / (50.0 + m % 64) * (0.8 + 0.4 * random.nextDouble()) + 0.05
        : 0.05 + random.nextDouble();
    boolean synthetic = random.nextInt(10) == 0;
    Double p = outcome == Outcome.SUCCESS && (synthetic || random.nextInt(10) == 0)
        ? (synthetic ? 1.0 : 0.1) : null;
    long at = assigned + (long) (seconds * 1000);
    String id = Long.toString(++answers, 36);
    out.accept(new RequestOutcome(at, assigned, assigned / HOUR, hotkeys[m], taskIds[t], id,
        outcome, estimate, outcome == Outcome.SUCCESS ? estimate : 0, seconds, synthetic, p));
    if (p != null) {
      double q = m % 10 == 0 ? 0.5 + 0.5 * random.nextDouble() : 1.0;
      out.accept(new QualityChecked(at + 1000, hotkeys[m], taskIds[t], id, q));
    }
  }
}
