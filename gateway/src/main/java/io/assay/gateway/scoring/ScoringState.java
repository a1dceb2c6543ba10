package io.assay.gateway.scoring;

import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.CheckFailed;
import io.assay.gateway.scoring.ScoringEvent.ParamsChanged;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.LongPredicate;

/**
 * The event log digested for weight computations, kept up to date one event at a time: the
 * incremental form of {@link WeightCalculator#compute(java.util.List, long)}, which stays the
 * definition. After {@link #accept}ing a log's events in order, {@link #report}{@code (t)} equals
 * {@code WeightCalculator.compute(log, t)}, bit for bit, for any {@code t} not before the newest
 * event accepted; {@link #advance} drops what no later computation can use.
 *
 * <h2>What is kept</h2>
 *
 * Per task and miner: every answer (successful or abandoned request) of the quality window, as
 * primitive columns, since the speed bonus ranks all of them at every computation; the checked
 * answers before it that quality may still reach back for (the newest {@code min_answers});
 * per period of the volume window the binding declaration and the integer sums of section 3
 * for the period and its test window. Per task: the test plans of those periods, and the newest
 * {@code zk.recent} answers before the window (they may still draw the zk curve). The latest
 * parameters, task weights and uids. Every miner and task ever seen (a report lists them all).
 * What is kept depends only on the log, never on when computations ran, so a state rebuilt from
 * a log that kept the same events reports the same.
 *
 * <h2>Preconditions</h2>
 *
 * <ul>
 *   <li>Events are accepted in log order, and a computation's time is not before the newest
 *       event accepted (a computation reads a prefix of the log whose events are all visible to
 *       it; {@link #report} refuses otherwise).
 *   <li>Within the {@link Retention#margin}: a verdict or failed check is recorded after (or
 *       before) its answer, a test plan after its period's end, and an event after any event
 *       recorded later in time. The gateway records verdicts within {@code
 *       checking.verdict_timeout}, plans when their window ends (inside the period) and every
 *       event with its own clock when it happens. Answer ids older than twice the margin are
 *       forgotten; a plan later than the margin is detected and reported as {@link
 *       RebuildNeeded} (requests waiting for it were dropped).
 *   <li>A request's outcome is recorded after its period began (it ends after it is assigned).
 * </ul>
 *
 * Parameters are read from the log; when those in force need more than was kept (a window made
 * longer, {@code min_answers} or {@code zk.recent} raised, periods renumbered), the report
 * throws {@link RebuildNeeded}: the state must be rebuilt from a log that still holds it.
 *
 * <p>Not thread-safe: accept, advance and report from one thread at a time ({@link #report}
 * may spread its tasks over an executor, reading only).
 */
public final class ScoringState {

  private final Retention retention;
  private final Map<String, TaskState> tasks = new TreeMap<>();
  /** The same, for look-ups by id on every event. */
  private final Map<String, TaskState> byId = new java.util.HashMap<>();
  private final Set<String> miners = new TreeSet<>();
  private final Evictions evicted = new Evictions();
  private final LatestSettings settings = new LatestSettings();
  private double powerExponent = ScoringParams.defaults().qualityExponent();
  private long lastSeq = Long.MIN_VALUE;
  private long newestAt = Long.MIN_VALUE;
  private long accepted;
  private String rebuildReason;

  private ScoringState(Retention retention) {
    this.retention = retention;
  }

  /** An empty state that keeps what the parameters in force need and {@code retention}. */
  public static ScoringState create(Retention retention) {
    return new ScoringState(retention);
  }

  public Retention retention() {
    return retention;
  }

  /** The time of the newest event accepted, {@link Long#MIN_VALUE} before the first. */
  public long newestAt() {
    return newestAt;
  }

  /** How many events were accepted. */
  public long accepted() {
    return accepted;
  }

  /** Accepts the next event of the log, numbered one after the previous. */
  public void accept(ScoringEvent event) {
    accept(lastSeq == Long.MIN_VALUE ? 0 : lastSeq + 1, event);
  }

  /**
   * Accepts the next event of the log.
   *
   * @param seq its position in the log: any number larger than the previous event's (a stream
   *     id as {@code millis << 22 | sequence}, say)
   * @throws IllegalArgumentException if {@code seq} is not larger than the previous one
   */
  public void accept(long seq, ScoringEvent event) {
    if (seq <= lastSeq) {
      throw new IllegalArgumentException("events must be accepted in log order: " + seq
          + " after " + lastSeq);
    }
    lastSeq = seq;
    accepted++;
    newestAt = Math.max(newestAt, event.at());
    if (settings.accept(event)) {
      if (event instanceof ParamsChanged) {
        repower(settings.params().qualityExponent());
      }
    } else if (event instanceof CapacityDeclared d) {
      SeriesState s = registered(d.task(), d.miner(), seq, d.at());
      if (d.period() > evicted.periodsUpTo) {
        s.period(d.period()).declare(d);
      }
    } else if (event instanceof TestPlanned t) {
      planned(t);
    } else if (event instanceof RequestOutcome o) {
      outcome(seq, o);
    } else if (event instanceof TestShortfall sf) {
      SeriesState s = registered(sf.task(), sf.miner(), seq, sf.at());
      if (sf.period() > evicted.periodsUpTo) {
        s.period(sf.period()).add(sf);
      }
    } else if (event instanceof QualityChecked c) {
      task(c.task()).series(c.miner()).verdict(seq, c, powerExponent);
    } else if (event instanceof CheckFailed f) {
      task(f.task()).series(f.miner()).checkFailed(seq, f, powerExponent);
    }
  }

  /** Quality's exponent changed: every held quality is raised to the new one. */
  private void repower(double exponent) {
    if (Double.doubleToLongBits(exponent) != Double.doubleToLongBits(powerExponent)) {
      powerExponent = exponent;
      tasks.values().forEach(t -> t.series.values().forEach(s -> s.repower(exponent)));
    }
  }

  private TaskState task(String id) {
    TaskState t = byId.get(id);
    if (t == null) {
      t = new TaskState(id);
      byId.put(id, t);
      tasks.put(id, t);
    }
    return t;
  }

  private SeriesState registered(String task, String miner, long seq, long at) {
    SeriesState s = task(task).series(miner);
    s.register(seq, at);
    miners.add(miner);
    return s;
  }

  private void outcome(long seq, RequestOutcome o) {
    SeriesState s = registered(o.task(), o.miner(), seq, o.at());
    if (o.period() > evicted.periodsUpTo) {
      PeriodState period = s.period(o.period());
      if (o.outcome() == Outcome.ABANDONED) {
        period.addAbandoned(o.assignedAt(), o.estimate(), o.units(), o.seconds());
      } else {
        TestPlanned plan = task(o.task()).plans.get(o.period());
        period.add(o.outcome(), o.assignedAt(), o.estimate(), o.units(),
            plan != null && plan.covers(o.miner()) ? plan : null, plan != null);
      }
    }
    if (o.outcome() == Outcome.SUCCESS || o.outcome() == Outcome.ABANDONED) {
      s.answer(seq, o, powerExponent);
    }
  }

  /** The first plan of a period counts; the requests waiting for it join its window. */
  private void planned(TestPlanned t) {
    if (t.period() <= evicted.periodsUpTo) {
      return;
    }
    TaskState task = task(t.task());
    if (task.plans.putIfAbsent(t.period(), t) != null) {
      return;
    }
    for (SeriesState s : task.series.values()) {
      PeriodState p = s.periods.get(t.period());
      if (p != null && !p.planned(t.covers(s.miner) ? t : null) && rebuildReason == null) {
        rebuildReason = "the test plan of period " + t.period() + " of " + t.task()
            + " was recorded more than the margin (" + retention.margin() + ") after the"
            + " period ended, when its requests had been dropped";
      }
    }
  }

  /**
   * Drops what no computation at {@code computedAt} or later can use, as far as the parameters
   * in force and the retention say. Computations run at any later time; advancing is only
   * about memory.
   */
  public void advance(long computedAt) {
    ScoringParams p = settings.params();
    if (p == null) {
      return;
    }
    long rowsBefore = computedAt - retention.qualityWindow(p).toMillis();
    long firstPeriod = retention.allPeriods() ? Long.MIN_VALUE
        : WeightCalculator.lastPeriod(p, computedAt) - retention.volumePeriods(p) + 1;
    long margin = retention.margin().toMillis();
    long idsBefore = computedAt - 2 * margin;
    long plansDue = computedAt - margin;
    for (TaskState t : tasks.values()) {
      t.plans.keySet().removeIf(period -> period < firstPeriod);
      for (SeriesState s : t.series.values()) {
        s.evict(rowsBefore, retention.minAnswers(p), retention.zkRecent(p), firstPeriod,
            idsBefore, evicted);
        s.periods.forEach((period, state) -> {
          if (state.hasPending() && !t.plans.containsKey(period)
              && (period + 1) * p.periodMillis() <= plansDue) {
            state.dropPending();
          }
        });
      }
    }
  }

  /**
   * How the log may be trimmed for computations at {@code computedAt} and later, or null before
   * any parameters: events before {@link Trim#before} (in time) are out of every window, by the
   * parameters in force, the retention and its margin, unless {@link Trim#held} names their
   * position (the newest event of each series, every answer still held with the verdict that
   * counts for it). Parameters, task weights and uids are never named: a trimmed log keeps them
   * all. A state fed the log so trimmed reports what this one does.
   */
  public Trim trim(long computedAt) {
    ScoringParams p = settings.params();
    if (p == null || retention.allPeriods()) {
      return null;
    }
    long volume = (retention.volumePeriods(p) + 1) * p.periodMillis();
    long longest = Math.max(retention.qualityWindow(p).toMillis(), volume);
    long before = computedAt - longest - retention.margin().toMillis();
    Set<Long> held = new HashSet<>();
    for (TaskState t : tasks.values()) {
      for (SeriesState s : t.series.values()) {
        s.held(before, held::add);
      }
      for (OldAnswer a : t.oldRecent.newestFirst()) {
        held.add(a.seq());
      }
    }
    return new Trim(before, retention.minAnswers(p), retention.zkRecent(p), p.periodMillis(),
        held::contains);
  }

  /**
   * A trim of the log: what went, so that a state rebuilt from the trimmed log knows what it
   * cannot have ({@link #assumeTrimmed}).
   *
   * @param before events before this time may be gone
   * @param minAnswers, zkRecent the old answers kept were bounded by these
   * @param periodMillis the period length then
   * @param held the positions of events before {@code before} to keep
   */
  public record Trim(long before, int minAnswers, int zkRecent, long periodMillis,
      LongPredicate held) {}

  /**
   * Tells a state about to be fed a trimmed log what it lacks (the merged {@link Trim}s, held
   * positions aside), so that parameters needing more are refused with {@link RebuildNeeded}
   * rather than computed short. Call before accepting events.
   */
  public void assumeTrimmed(long before, int minAnswers, int zkRecent, long periodMillis) {
    evicted.rowsUpTo = Math.max(evicted.rowsUpTo, before - 1);
    evicted.periodsUpTo = Math.max(evicted.periodsUpTo, Math.floorDiv(before - 1, periodMillis));
    evicted.checkedLimit = Math.min(evicted.checkedLimit, minAnswers);
    evicted.recentLimit = Math.min(evicted.recentLimit, zkRecent);
  }

  /** The parameters in force (the latest accepted), or null before any. */
  public ScoringParams params() {
    return settings.params();
  }

  /** Every task's held part, by id (for tests). */
  Map<String, TaskState> tasks() {
    return tasks;
  }

  /** The weights as of {@code computedAt}, computing each task in turn on this thread. */
  public WeightReport report(long computedAt) {
    return report(computedAt, Runnable::run);
  }

  /**
   * The weights as of {@code computedAt}, equal to {@link WeightCalculator#compute(
   * java.util.List, long)} over the events accepted.
   *
   * @param executor runs the tasks' scoring (they only read the state); the caller waits
   * @throws IllegalArgumentException when {@code computedAt} is before the newest event
   *     accepted, or no parameters or task weights were accepted
   * @throws RebuildNeeded when the parameters in force need what was dropped
   */
  public WeightReport report(long computedAt, Executor executor) {
    if (computedAt < newestAt) {
      throw new IllegalArgumentException("a computation at " + computedAt + " cannot use the"
          + " events accepted, the newest of which is at " + newestAt);
    }
    settings.requireComplete(computedAt, accepted);
    checkKept(settings.params(), computedAt);
    return WeightCalculator.compute(new View(computedAt), computedAt, executor);
  }

  private void checkKept(ScoringParams p, long computedAt) {
    if (rebuildReason != null) {
      throw new RebuildNeeded(rebuildReason, false);
    }
    long window = computedAt - p.qualityWindow().toMillis();
    long first = WeightCalculator.lastPeriod(p, computedAt) - p.volumePeriods() + 1;
    String missing = evicted.rowsUpTo >= window ? "answers since " + window
        : evicted.periodsUpTo >= first ? "the sums of period " + first
        : p.minAnswers() > evicted.checkedLimit ? "the newest " + p.minAnswers()
            + " checked answers"
        : p.zkRecent() > evicted.recentLimit ? "the newest " + p.zkRecent() + " answers"
        : null;
    if (missing != null) {
      throw new RebuildNeeded("the parameters in force at " + computedAt + " need " + missing
          + ", which this state does not hold (dropped under earlier parameters, or trimmed"
          + " from the log it was fed)", true);
    }
  }

  /**
   * The state cannot compute exactly what was asked: it must be rebuilt from the log, from the
   * stream as kept, or (when {@link #history()}) from a log that kept more, the archive.
   */
  public static final class RebuildNeeded extends IllegalStateException {

    private final boolean history;

    RebuildNeeded(String message, boolean history) {
      super(message);
      this.history = history;
    }

    /** Whether the events needed are older than the trimmed stream keeps. */
    public boolean history() {
      return history;
    }
  }

  /** The state as {@link WeightCalculator} reads it, for one computation. */
  private final class View implements ScoringInput {

    private final long computedAt;

    View(long computedAt) {
      this.computedAt = computedAt;
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
      Set<String> out = new TreeSet<>();
      tasks.forEach((id, t) -> {
        if (!t.registered().isEmpty()) {
          out.add(id);
        }
      });
      return out;
    }

    @Override
    public SortedMap<String, SeriesState> series(String task) {
      TaskState t = tasks.get(task);
      return t == null ? new TreeMap<>() : t.registered();
    }

    @Override
    public Answers answers(String task) {
      TaskState t = tasks.get(task);
      return t == null ? new HeldAnswers(new TaskState(task), new TreeMap<>(), params(),
          computedAt) : new HeldAnswers(t, t.registered(), params(), computedAt);
    }
  }
}
