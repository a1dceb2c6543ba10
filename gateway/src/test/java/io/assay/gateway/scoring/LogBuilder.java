package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.CheckFailed;
import io.assay.gateway.scoring.ScoringEvent.ParamsChanged;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds event logs for the hand-worked examples. Periods are one hour (the default). Outcomes
 * are assigned one second apart from a cursor inside their period (3 minutes in, past the
 * declaration grace, unless moved with {@link #at}), and end {@code seconds} later, so they are
 * ordered as written.
 */
final class LogBuilder {

  static final long HOUR = 3_600_000L;
  static final String LLM = "llm/reference-lm";
  static final String EMB = "embeddings/all-MiniLM-L6-v2";
  static final long FIRST_OFFSET = 180_000;

  private final List<ScoringEvent> events = new ArrayList<>();
  private String task = LLM;
  private int answers;
  private long cursor = FIRST_OFFSET;
  private long cursorPeriod = Long.MIN_VALUE;

  /** A log that starts with the default parameters and the given task weights, at time 0. */
  static LogBuilder withWeights(Map<String, Double> weights) {
    return withParams(ScoringParams.defaults(), weights);
  }

  /** A log that starts with {@code params} and the given task weights, at time 0. */
  static LogBuilder withParams(ScoringParams params, Map<String, Double> weights) {
    LogBuilder log = new LogBuilder();
    log.events.add(ParamsChanged.of(0, params));
    return log.weights(0, weights);
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

  LogBuilder params(long at, ScoringParams params) {
    events.add(ParamsChanged.of(at, params));
    return this;
  }

  /** Declares {@code c} for the period, with 4 requests at once, a second into it. */
  LogBuilder declare(long period, String miner, long c) {
    events.add(new CapacityDeclared(period * HOUR + 1000, period, miner, task, c, 4));
    return this;
  }

  /** The next outcome of {@code period} is assigned {@code offsetMillis} into it. */
  LogBuilder at(long period, long offsetMillis) {
    cursorPeriod = period;
    cursor = offsetMillis;
    return this;
  }

  /**
   * The task's test window of {@code period}: {@code fraction} of the period from {@code
   * startOffset} millis into it, recorded when it ends; every miner asked its whole {@code c *
   * f}.
   */
  LogBuilder plan(long period, double fraction, long startOffset) {
    return plan(period, fraction, startOffset, null);
  }

  /** The same with the budget capping every window at {@code cap} units (null for none). */
  LogBuilder plan(long period, double fraction, long startOffset, Double cap) {
    return plan(period, fraction, startOffset, cap, null);
  }

  /** The same testing only the miners {@code tested} (null: all of them). */
  LogBuilder plan(long period, double fraction, long startOffset, Double cap,
      List<String> tested) {
    long start = period * HOUR + startOffset;
    long end = start + (long) (fraction * HOUR);
    events.add(new TestPlanned(end, period, task, fraction, start, end, cap, tested));
    return this;
  }

  /** {@code count} successes of {@code units} each (estimated as much), {@code seconds} each. */
  LogBuilder served(long period, String miner, int count, long units, double seconds) {
    for (int i = 0; i < count; i++) {
      outcome(period, miner, Outcome.SUCCESS, units, units, seconds, null);
    }
    return this;
  }

  /** One success checked with probability {@code p} (null: not picked). */
  LogBuilder servedPicked(long period, String miner, long units, double seconds, Double p) {
    return outcome(period, miner, Outcome.SUCCESS, units, units, seconds, p);
  }

  /** {@code count} 429s of requests estimated at {@code estimate}. */
  LogBuilder rateLimited(long period, String miner, int count, long estimate) {
    for (int i = 0; i < count; i++) {
      outcome(period, miner, Outcome.RATE_LIMITED, estimate, 0, 0.01, null);
    }
    return this;
  }

  /** {@code count} failures of requests estimated at {@code estimate}. */
  LogBuilder failed(long period, String miner, int count, long estimate) {
    for (int i = 0; i < count; i++) {
      outcome(period, miner, Outcome.FAILED, estimate, 0, 1, null);
    }
    return this;
  }

  /** A stream the user left after {@code seconds}, {@code units} done of {@code estimate}. */
  LogBuilder abandoned(long period, String miner, long estimate, long units, double seconds) {
    return outcome(period, miner, Outcome.ABANDONED, estimate, units, seconds, null);
  }

  LogBuilder shortfall(long period, String miner, long units, Outcome outcome) {
    events.add(new TestShortfall(period * HOUR + HOUR - 1, period, miner, task, units, outcome,
        "test"));
    return this;
  }

  /** Checks the last answer recorded (it must be a success of {@code miner}). */
  LogBuilder checked(String miner, double quality) {
    RequestOutcome last = last();
    events.add(new QualityChecked(last.at() + 1, miner, task, last.answerId(), quality));
    return this;
  }

  /** The check of the last answer failed for {@code cause}. */
  LogBuilder checkFailed(String miner, CheckFailed.Cause cause) {
    RequestOutcome last = last();
    events.add(new CheckFailed(last.at() + 1, miner, task, last.answerId(), cause));
    return this;
  }

  LogBuilder add(ScoringEvent event) {
    events.add(event);
    return this;
  }

  List<ScoringEvent> events() {
    return List.copyOf(events);
  }

  /** Computes the report at the end of {@code period} (its last millisecond). */
  WeightReport computeAtEndOf(long period) {
    return WeightCalculator.compute(events, (period + 1) * HOUR - 1);
  }

  private RequestOutcome last() {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i) instanceof RequestOutcome o) {
        return o;
      }
    }
    throw new IllegalStateException("no outcome recorded yet");
  }

  private LogBuilder outcome(long period, String miner, Outcome outcome, long estimate,
      long units, double seconds, Double p) {
    if (period != cursorPeriod) {
      cursorPeriod = period;
      cursor = FIRST_OFFSET;
    }
    answers++;
    long assigned = period * HOUR + cursor;
    cursor += 1000;
    events.add(new RequestOutcome(assigned + (long) (seconds * 1000), assigned, period, miner,
        task, "a" + answers, outcome, estimate, units, seconds, answers % 2 == 0, p));
    return this;
  }
}
