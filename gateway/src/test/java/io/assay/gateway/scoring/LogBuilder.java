package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds event logs for the hand-worked examples. Periods are one hour (the default); the n-th
 * outcome recorded lands {@code n} seconds into its period, so outcomes are ordered as written.
 */
final class LogBuilder {

  static final long HOUR = 3_600_000L;
  static final String LLM = "llm/reference-lm";
  static final String EMB = "embeddings/all-MiniLM-L6-v2";

  private final List<ScoringEvent> events = new ArrayList<>();
  private int answers;
  private String task = LLM;

  /** A log that starts with the given task weights recorded at time 0. */
  static LogBuilder withWeights(Map<String, Double> weights) {
    return new LogBuilder().weights(0, weights);
  }

  /** A log whose only task, {@link #LLM}, has weight 1. */
  static LogBuilder oneTask() {
    return withWeights(Map.of(LLM, 1.0));
  }

  /** The task that later calls record for. */
  LogBuilder task(String task) {
    this.task = task;
    return this;
  }

  LogBuilder weights(long at, Map<String, Double> weights) {
    events.add(new TaskWeightsChanged(at, weights, "config"));
    return this;
  }

  LogBuilder declare(long period, String miner, long declared) {
    events.add(new CapacityDeclared(period, miner, task, declared));
    return this;
  }

  /** {@code count} successes of {@code units} each, taking {@code seconds} each. */
  LogBuilder served(long period, String miner, int count, long units, double seconds) {
    for (int i = 0; i < count; i++) {
      outcome(period, miner, Outcome.SUCCESS, units, seconds);
    }
    return this;
  }

  LogBuilder rateLimited(long period, String miner, int count) {
    for (int i = 0; i < count; i++) {
      outcome(period, miner, Outcome.RATE_LIMITED, 0, 0.01);
    }
    return this;
  }

  LogBuilder failed(long period, String miner, int count) {
    for (int i = 0; i < count; i++) {
      outcome(period, miner, Outcome.FAILED, 0, 1);
    }
    return this;
  }

  /** Checks the last answer recorded (it must be a success of {@code miner}). */
  LogBuilder checked(String miner, double quality) {
    RequestOutcome last = (RequestOutcome) events.get(events.size() - 1);
    events.add(new QualityChecked(last.at() + 1, miner, task, last.answerId(), quality));
    return this;
  }

  LogBuilder add(ScoringEvent event) {
    events.add(event);
    return this;
  }

  List<ScoringEvent> events() {
    return List.copyOf(events);
  }

  /** Computes the report at the end of {@code period}. */
  WeightReport computeAtEndOf(long period) {
    return WeightCalculator.compute(events, ScoringParams.defaults(), (period + 1) * HOUR - 1);
  }

  private void outcome(long period, String miner, Outcome outcome, long units, double seconds) {
    answers++;
    events.add(new RequestOutcome(period * HOUR + answers * 1000L, period, miner, task,
        "a" + answers, outcome, units, seconds, answers % 2 == 0));
  }
}
