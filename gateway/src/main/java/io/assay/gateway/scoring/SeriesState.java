package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.CheckFailed;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * The held part of one (miner, task)'s log: its answers in the quality window ({@link
 * AnswerRows}), the checked ones that left it but may still count ({@code oldChecked}), and its
 * periods in the volume window ({@link PeriodState}). Not thread-safe.
 *
 * <p>Verdicts are matched to answers by answer id for the margin only: within it both orders
 * work (a verdict before its answer waits for it), after it the ids are forgotten. The gateway
 * writes every verdict or failed check within {@code checking.verdict_timeout} of the answer.
 */
final class SeriesState implements ScoringInput.Series {

  final String task;
  final String miner;
  private final TaskState owner;
  final AnswerRows rows = new AnswerRows();
  final NavigableMap<Long, PeriodState> periods = new TreeMap<>();
  final OldAnswers oldChecked = new OldAnswers();
  /** Whether a declaration, outcome or shortfall was seen (verdicts alone do not count). */
  boolean registered;
  /** The newest declaration, outcome or shortfall: kept in the log so the series survives. */
  long anchorSeq = -1;
  long anchorAt;

  /** The period most requests go to, looked up once. */
  private long lastPeriod;
  private PeriodState lastPeriodState;
  private final Map<String, long[]> recentRows = new HashMap<>();
  private final ArrayDeque<Recent> recentOrder = new ArrayDeque<>();
  private final Map<String, Verdicts> verdicts = new HashMap<>();
  private final ArrayDeque<Recent> verdictOrder = new ArrayDeque<>();

  SeriesState(TaskState owner, String miner) {
    this.owner = owner;
    this.task = owner.task;
    this.miner = miner;
  }

  /** A declaration, outcome or shortfall: the series exists from now on. */
  void register(long seq, long at) {
    registered = true;
    anchorSeq = seq;
    anchorAt = at;
  }

  PeriodState period(long period) {
    if (period == lastPeriod && lastPeriodState != null) {
      return lastPeriodState;
    }
    PeriodState state = periods.computeIfAbsent(period, p -> new PeriodState());
    lastPeriod = period;
    lastPeriodState = state;
    return state;
  }

  /** Appends a successful or abandoned request, checked at once if its verdict came first. */
  void answer(long seq, RequestOutcome o, double exponent) {
    double p = o.checkProbability() == null ? 1 : o.checkProbability();
    long ordinal = rows.append(seq, o.at(), o.units(), o.seconds(), o.units() / p,
        o.outcome() == RequestOutcome.Outcome.ABANDONED);
    long[] known = recentRows.get(o.answerId());
    long[] ordinals = known == null ? new long[] {ordinal} : append(known, ordinal);
    recentRows.put(o.answerId(), ordinals);
    recentOrder.addLast(new Recent(o.at(), o.answerId()));
    Verdicts v = verdicts.get(o.answerId());
    if (v != null) {
      apply(v, rows.indexOf(ordinal), exponent);
    }
  }

  /** A verdict: the latest in time counts (the later in the log on equal times). */
  void verdict(long seq, QualityChecked c, double exponent) {
    Verdicts v = verdicts(c.answerId(), c.at());
    if (v.best == null || c.at() >= v.best.at()) {
      v.best = c;
      v.bestSeq = seq;
    }
    applyAll(c.answerId(), v, exponent);
  }

  /** A failed check: the first counts, and only while there is no verdict. */
  void checkFailed(long seq, CheckFailed f, double exponent) {
    Verdicts v = verdicts(f.answerId(), f.at());
    if (v.failed == null) {
      v.failed = f;
      v.failedSeq = seq;
    }
    applyAll(f.answerId(), v, exponent);
  }

  private Verdicts verdicts(String answerId, long at) {
    verdictOrder.addLast(new Recent(at, answerId));
    return verdicts.computeIfAbsent(answerId, id -> new Verdicts());
  }

  private void applyAll(String answerId, Verdicts v, double exponent) {
    long[] ordinals = recentRows.get(answerId);
    if (ordinals != null) {
      for (long ordinal : ordinals) {
        int i = rows.indexOf(ordinal);
        if (i >= 0) {
          apply(v, i, exponent);
        }
      }
    }
  }

  private void apply(Verdicts v, int i, double exponent) {
    if (v.best != null) {
      double q = Math.min(Math.max(v.best.quality(), 0), 1);
      rows.check(i, q, StrictMath.pow(q, exponent), v.bestSeq);
    } else if (v.failed != null && v.failed.cause() == CheckFailed.Cause.ANSWER) {
      rows.check(i, 0.0, StrictMath.pow(0.0, exponent), v.failedSeq);
    } else {
      rows.uncheck(i);
    }
  }

  /**
   * Drops what no computation from now on can use: answers older than {@code rowsBefore} (the
   * checked ones among the newest {@code minAnswers} kept in {@code oldChecked}, every answer
   * offered to the task's newest response times), periods before {@code firstPeriod}, answer
   * ids and waiting verdicts older than {@code idsBefore}.
   */
  void evict(long rowsBefore, int minAnswers, int zkRecent, long firstPeriod, long idsBefore,
      Evictions done) {
    while (rows.size() > 0 && rows.at(rows.first()) < rowsBefore) {
      OldAnswer a = rows.toOld(rows.first());
      done.rowsUpTo = Math.max(done.rowsUpTo, a.at());
      if (a.checked() && oldChecked.offer(a, minAnswers)) {
        done.checkedLimit = Math.min(done.checkedLimit, minAnswers);
      }
      if (owner.oldRecent.offer(a, zkRecent)) {
        done.recentLimit = Math.min(done.recentLimit, zkRecent);
      }
      rows.removeFirst();
    }
    NavigableMap<Long, PeriodState> gone = periods.headMap(firstPeriod, false);
    if (!gone.isEmpty()) {
      done.periodsUpTo = Math.max(done.periodsUpTo, gone.lastKey());
      gone.clear();
      lastPeriodState = null;
    }
    while (!recentOrder.isEmpty() && recentOrder.peekFirst().at() < idsBefore) {
      Recent r = recentOrder.pollFirst();
      long[] ordinals = recentRows.get(r.answerId());
      if (ordinals != null && ordinals.length > 1) {
        recentRows.put(r.answerId(), Arrays.copyOfRange(ordinals, 1, ordinals.length));
      } else {
        recentRows.remove(r.answerId());
      }
    }
    while (!verdictOrder.isEmpty() && verdictOrder.peekFirst().at() < idsBefore) {
      Recent r = verdictOrder.pollFirst();
      Verdicts v = verdicts.get(r.answerId());
      if (v != null && v.lastAt() < idsBefore) {
        verdicts.remove(r.answerId());
      }
    }
  }

  /** Reports the positions of every held event older than {@code before} to {@code keep}. */
  void held(long before, LongConsumer keep) {
    if (anchorSeq >= 0 && anchorAt < before) {
      keep.accept(anchorSeq);
    }
    for (int i = rows.first(); i < rows.last(); i++) {
      if (rows.at(i) < before) {
        keep.accept(rows.seq(i));
        if (rows.checked(i)) {
          keep.accept(rows.verdictSeq(i));
        }
      }
    }
    for (OldAnswer a : oldChecked.newestFirst()) {
      keep.accept(a.seq());
      keep.accept(a.verdictSeq());
    }
  }

  void repower(double exponent) {
    rows.repower(exponent);
    oldChecked.repower(exponent);
  }

  // ScoringInput.Series

  @Override
  public CapacityDeclared declaration(long period) {
    PeriodState p = periods.get(period);
    return p == null ? null : p.declaration();
  }

  @Override
  public double testedCapacity(long period) {
    long c = declared(period);
    TestPlanned plan = owner.plans.get(period);
    return plan == null ? c : plan.testedCapacity(c);
  }

  @Override
  public boolean leftOut(long period) {
    TestPlanned plan = owner.plans.get(period);
    return plan != null && !plan.covers(miner);
  }

  @Override
  public TestPlanned plan(long period) {
    TestPlanned plan = owner.plans.get(period);
    return plan != null && plan.covers(miner) ? plan : null;
  }

  @Override
  public void tally(long first, long last, ScoringParams params, Map<Long, PeriodTally> tallies,
      Map<Long, PeriodTally> windows) {
    periods.subMap(first, true, last, true).forEach((period, state) ->
        state.tally(period, task, plan(period), params, tallies, windows));
  }

  private static long[] append(long[] a, long v) {
    long[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = v;
    return out;
  }

  private record Recent(long at, String answerId) {}

  /** The verdicts of one answer id so far. */
  private static final class Verdicts {
    QualityChecked best;
    long bestSeq;
    CheckFailed failed;
    long failedSeq;

    long lastAt() {
      return Math.max(best == null ? Long.MIN_VALUE : best.at(),
          failed == null ? Long.MIN_VALUE : failed.at());
    }
  }
}
