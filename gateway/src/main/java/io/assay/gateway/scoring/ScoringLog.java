package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.CheckFailed;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The part of the event log visible at one time, grouped by task and miner: step 1 of {@link
 * WeightCalculator}. Built once per computation; not thread-safe.
 *
 * <p>Duplicates: the first declaration of a (period, miner, task) binds (the gateway records one,
 * but a log may hold more); the first test plan of a (task, period) counts; of an answer's
 * verdicts the one with the latest {@code at} counts (the later in the log on equal times);
 * parameters, task weights and uids are the latest at or before the computation, the later in
 * the log on equal times.
 */
final class ScoringLog implements ScoringInput {

  private final SortedMap<String, SortedMap<String, Series>> series = new TreeMap<>();
  private final Map<String, Map<Long, TestPlanned>> plans = new HashMap<>();
  private final Map<AnswerKey, QualityChecked> verdicts = new HashMap<>();
  private final Map<AnswerKey, CheckFailed> failedChecks = new HashMap<>();
  private final Set<String> miners = new TreeSet<>();
  private final LatestSettings settings = new LatestSettings();
  private final long computedAt;

  private ScoringLog(long computedAt) {
    this.computedAt = computedAt;
  }

  static ScoringLog read(List<? extends ScoringEvent> events, long computedAt) {
    ScoringLog log = new ScoringLog(computedAt);
    long seq = 0;
    for (ScoringEvent event : events) {
      seq++;
      if (event.at() > computedAt) {
        continue;
      }
      if (log.settings.accept(event)) {
        continue;
      }
      if (event instanceof CapacityDeclared d) {
        log.series(d.task(), d.miner()).declarations.putIfAbsent(d.period(), d);
      } else if (event instanceof TestPlanned t) {
        log.plans.computeIfAbsent(t.task(), k -> new HashMap<>()).putIfAbsent(t.period(), t);
      } else if (event instanceof RequestOutcome o) {
        log.series(o.task(), o.miner()).outcomes.add(new Numbered<>(seq, o));
      } else if (event instanceof TestShortfall s) {
        log.series(s.task(), s.miner()).shortfalls.add(s);
      } else if (event instanceof QualityChecked c) {
        log.verdicts.merge(new AnswerKey(c.miner(), c.task(), c.answerId()), c,
            (old, next) -> next.at() >= old.at() ? next : old);
      } else if (event instanceof CheckFailed f) {
        log.failedChecks.putIfAbsent(new AnswerKey(f.miner(), f.task(), f.answerId()), f);
      }
    }
    log.settings.requireComplete(computedAt, events.size());
    ScoringParams p = log.settings.params();
    log.series.forEach((task, byMiner) -> byMiner.values().forEach(s -> {
      s.plans = log.plans.getOrDefault(task, Map.of());
      s.answers = log.answers(s, p);
    }));
    return log;
  }

  @Override
  public LatestSettings settings() {
    return settings;
  }

  @Override
  public Set<String> miners() {
    return miners;
  }

  @Override
  public Set<String> tasks() {
    return series.keySet();
  }

  @Override
  public SortedMap<String, Series> series(String task) {
    return series.getOrDefault(task, new TreeMap<>());
  }

  /** Quality from each series' answer list, the bonus from the pooled lists (the reference). */
  @Override
  public Answers answers(String task) {
    SortedMap<String, Series> miners = series(task);
    ScoringParams p = params();
    return new Answers() {
      @Override
      public QualityScore quality(String miner) {
        return QualityScore.of(miners.get(miner).answers(), p, computedAt);
      }

      @Override
      public SortedMap<String, Double> speedBonus(Map<String, Double> meanQuality) {
        Map<String, List<Answer>> answers = new TreeMap<>();
        miners.forEach((miner, s) -> answers.put(miner, s.answers()));
        return SpeedBonus.of(answers, meanQuality,
            WeightCalculator.speedRule(p.task(task), answers.values(), p), p, computedAt);
      }
    };
  }

  private Series series(String task, String miner) {
    miners.add(miner);
    return series.computeIfAbsent(task, t -> new TreeMap<>())
        .computeIfAbsent(miner, Series::new);
  }

  /** The successful answers of a series with their verdicts, in log order. */
  private List<Answer> answers(Series s, ScoringParams p) {
    List<Answer> out = new ArrayList<>();
    for (Numbered<RequestOutcome> n : s.outcomes) {
      RequestOutcome o = n.event();
      if (PeriodTally.settle(o, p) != RequestOutcome.Outcome.SUCCESS) {
        continue;
      }
      AnswerKey key = new AnswerKey(o.miner(), o.task(), o.answerId());
      QualityChecked verdict = verdicts.get(key);
      CheckFailed failed = failedChecks.get(key);
      Double quality = null;
      if (verdict != null) {
        quality = Math.min(Math.max(verdict.quality(), 0), 1);
      } else if (failed != null && failed.cause() == CheckFailed.Cause.ANSWER) {
        quality = 0.0;
      }
      double checkP = o.checkProbability() == null ? 1 : o.checkProbability();
      out.add(new Answer(n.seq(), o.at(), o.miner(), o.units(), o.seconds(), checkP, quality));
    }
    return out;
  }

  private record AnswerKey(String miner, String task, String answerId) {}

  private record Numbered<E>(long seq, E event) {}

  /** The declarations, plans, requests and answers of one (miner, task). */
  static final class Series implements ScoringInput.Series {
    private final String miner;
    private final Map<Long, CapacityDeclared> declarations = new HashMap<>();
    private final List<Numbered<RequestOutcome>> outcomes = new ArrayList<>();
    private final List<TestShortfall> shortfalls = new ArrayList<>();
    private Map<Long, TestPlanned> plans = Map.of();
    private List<Answer> answers = List.of();

    private Series(String miner) {
      this.miner = miner;
    }

    @Override
    public CapacityDeclared declaration(long period) {
      return declarations.get(period);
    }

    @Override
    public double testedCapacity(long period) {
      long c = declared(period);
      TestPlanned plan = plans.get(period);
      return plan == null ? c : plan.testedCapacity(c);
    }

    @Override
    public boolean leftOut(long period) {
      TestPlanned plan = plans.get(period);
      return plan != null && !plan.covers(miner);
    }

    @Override
    public TestPlanned plan(long period) {
      TestPlanned plan = plans.get(period);
      return plan != null && plan.covers(miner) ? plan : null;
    }

    /** Successful answers, in log order. */
    List<Answer> answers() {
      return answers;
    }

    @Override
    public void tally(long first, long last, ScoringParams params, Map<Long, PeriodTally> periods,
        Map<Long, PeriodTally> windows) {
      for (Numbered<RequestOutcome> n : outcomes) {
        RequestOutcome o = n.event();
        if (o.period() < first || o.period() > last) {
          continue;
        }
        periods.computeIfAbsent(o.period(), p -> new PeriodTally()).add(o, params);
        TestPlanned plan = plan(o.period());
        if (plan != null && plan.contains(o.assignedAt())) {
          windows.computeIfAbsent(o.period(), p -> new PeriodTally()).add(o, params);
        }
      }
      for (TestShortfall s : shortfalls) {
        if (s.period() < first || s.period() > last) {
          continue;
        }
        periods.computeIfAbsent(s.period(), p -> new PeriodTally()).add(s);
        windows.computeIfAbsent(s.period(), p -> new PeriodTally()).add(s);
      }
    }
  }
}
