package io.assay.gateway.synthetic;

import io.assay.gateway.period.Timeline;
import io.assay.gateway.routing.CapacityLedger;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.routing.TaskCapacity;
import io.assay.gateway.routing.TestWindow;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import io.assay.gateway.state.Redis;
import io.assay.task.Task;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and runs the test windows of SCORING.md section 2.
 *
 * <p>For each task and period one window is drawn, <b>shared by all the task's miners</b>: a
 * fraction {@code f} of the period (0.04 with probability 0.5, 0.08 with 0.4, 0.12 with 0.095,
 * 0.8 with 0.005) starting uniformly in {@code [declaration_grace, period - f * period]}, both
 * from a secure random source. When the grace window closes and the declarations are bound,
 * every miner with {@code c > 0} is given {@code c_W = c * f}, the rate it declared for the
 * whole period; when the task's total would pass {@code synthetic.budget}, the largest are cut
 * to a common cap first (water filling, see {@link #assign}). In the window, organic work routed to the miner counts first and synthetic requests fill the rest,
 * paced evenly with jitter; nothing beyond {@code c_W} is asked (but at least one request). At
 * the window's end, what was never asked is recorded as rate-limited ({@link TestShortfall}),
 * and only then the plan itself ({@link TestPlanned}), so no miner can read it in time.
 *
 * <p>Everything runs on the {@link Timeline}'s context: planning a period is a few entries per
 * (miner, task), whatever the capacities, and each miner's pacing is one entry at a time in the
 * timeline's queue.
 */
public final class TestWindows {

  private static final Logger log = LoggerFactory.getLogger(TestWindows.class);
  /** Synthetic requests sent at most at one pacing step, catching up after a busy spell. */
  private static final int MAX_BURST = 8;
  /** How soon a gateway that does not lead looks again for windows not assigned yet. */
  static final long FOLLOW_RETRY_MILLIS = 250;

  private final MinerDirectory directory;
  private final Map<String, Task> tasks;
  private final ToLongFunction<String> budget;
  private final Timeline timeline;
  private final WindowSender sender;
  private final Consumer<ScoringEvent> record;
  private final TestFractions fractions;
  private final RandomGenerator random;
  private final long periodMillis;
  private final long graceMillis;
  private final int maxConsecutiveFailures;
  private final PlanBook book;
  private final BooleanSupplier leads;
  private final CapacityLedger ledger;

  /**
   * What a gateway shares with the others on its store: where plans are written down, whether it
   * leads, and the ledger of what each gateway leased of each miner's capacity.
   */
  public record Sharing(PlanBook book, BooleanSupplier leads,
      CapacityLedger ledger) {

    /** A gateway alone: plans in memory, always the leader, no shared ledger. */
    public static Sharing alone() {
      return new Sharing(PlanBook.local(), () -> true, null);
    }
  }

  /**
   * @param budget {@code synthetic.budget} of a task, by id: synthetic work units per period
   * @param sender sends one synthetic request to the miner under test
   * @param record appends a scoring event to the log
   * @param random a secure source: a miner that could predict the draws would know its tests
   */
  public TestWindows(MinerDirectory directory, Map<String, Task> tasks,
      ToLongFunction<String> budget, Timeline timeline, WindowSender sender,
      Consumer<ScoringEvent> record, TestFractions fractions, RandomGenerator random,
      long periodMillis, long graceMillis, int maxConsecutiveFailures) {
    this(directory, tasks, budget, timeline, sender, record, fractions, random, periodMillis,
        graceMillis, maxConsecutiveFailures, Sharing.alone());
  }

  /**
   * As above, for one of several gateways sharing a store: the plans go through its book, the
   * windows are paced only while this gateway leads, and their {@code c_W} is held in the ledger.
   */
  public TestWindows(MinerDirectory directory, Map<String, Task> tasks,
      ToLongFunction<String> budget, Timeline timeline, WindowSender sender,
      Consumer<ScoringEvent> record, TestFractions fractions, RandomGenerator random,
      long periodMillis, long graceMillis, int maxConsecutiveFailures, Sharing sharing) {
    this.book = sharing.book();
    this.leads = sharing.leads();
    this.ledger = sharing.ledger();
    this.directory = directory;
    this.tasks = tasks;
    this.budget = budget;
    this.timeline = timeline;
    this.sender = sender;
    this.record = record;
    this.fractions = fractions;
    this.random = random;
    this.periodMillis = periodMillis;
    this.graceMillis = graceMillis;
    this.maxConsecutiveFailures = maxConsecutiveFailures;
  }

  /** Sends one synthetic request to the miner under test. */
  @FunctionalInterface
  public interface WindowSender {
    /**
     * @param room the work units the window may still ask (at least 1): the request should fit
     *     in it when the task's traffic has requests that small
     * @param ended run, on any thread, once a request that was sent has ended, however
     */
    Sent send(MinerNode miner, Task task, long room, Runnable ended);
  }

  /** What became of a synthetic request. */
  public enum Sent {
    /** On its way (at least one part of it). */
    SENT,
    /** Not sent: the miner had no room for it now (its declaration full, or backing off). */
    NO_ROOM,
    /** Not sent: the request could not be made; the validator's problem, not the miner's. */
    NOT_MADE
  }

  /** The window of one task in one period. */
  public record Plan(long period, String task, double fraction, long start, long end) {}

  /**
   * How a plan's window was given to the task's miners when the grace window closed (as its
   * {@link TestPlanned} event records it).
   *
   * @param limit the cap on each miner's {@code c_W}, or null for none
   * @param tested the miners tested, or null for every bound miner (an empty list: none)
   */
  public record Assignment(Double limit, List<String> tested) {}

  /** The plans drawn for the current period, by task; read and written on the timeline. */
  private final Map<String, Plan> current = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A miner's declaration was bound: until the grace window closes and the budget is known, its
   * window holds {@code c * f} (the most it can be asked), and at least one typical request, so
   * organic demand early in the period cannot use up what the test will ask.
   */
  public void bound(MinerNode miner, String task, TaskCapacity capacity) {
    Plan plan = current.get(task);
    if (plan != null && plan.period() == capacity.period() && capacity.declared() > 0) {
      TestWindow held = new TestWindow(plan.start(), plan.end(),
          capacity.declared() * plan.fraction(), maxConsecutiveFailures,
          typical(tasks.get(task)));
      capacity.plan(held);
      reserve(plan, miner, held.hold());
    }
  }

  /**
   * Holds {@code units} of the miner's volume for its window in the gateways' shared ledger, so
   * that no gateway's leases outside the window use it up (0: releases the hold).
   */
  private void reserve(Plan plan, MinerNode miner, double units) {
    if (ledger != null) {
      ledger.reserveWindow(plan.period(), miner.hotkey() + "|" + plan.task(),
          (long) Math.ceil(units), plan.end());
    }
  }

  /**
   * Draws {@code period}'s windows and schedules them; call on the timeline's context at the
   * period start.
   *
   * @param graceFrom when the period's grace window opened: its start, or later for a gateway
   *     started mid-period (a window must then fit after its own grace)
   * <p>The plans go through the {@link PlanBook}: when another gateway (an earlier leader)
   * planned the period first, its plans are the ones run.
   *
   * @return the period's plans, by task (a task whose window cannot fit any more has none)
   */
  public Future<List<Plan>> openPeriod(long period, long graceFrom) {
    long bound = graceFrom + graceMillis;
    return book.claim(period, draw(period, graceFrom)).map(plans -> {
      run(plans, bound);
      return plans;
    });
  }

  /**
   * This gateway became leader during {@code period} (or after it: the previous period's windows
   * may have ended after their leader died): carries on with the plans an earlier leader wrote
   * down, or draws them now if none did. Windows already under way are not paced again (this
   * gateway does not know what they were asked); their end is still recorded, once. Call on the
   * timeline's context.
   */
  public Future<List<Plan>> resume(long period) {
    long now = timeline.now();
    return book.find(period).compose(plans -> {
      if (plans == null && now >= (period + 1) * periodMillis) {
        return Future.succeededFuture(List.of());
      }
      if (plans == null) {
        return openPeriod(period, now);
      }
      run(plans, Math.max(now, period * periodMillis + graceMillis));
      return Future.succeededFuture(plans);
    });
  }

  /** Makes {@code plans} the current ones and assigns them at {@code bound}. */
  private void run(List<Plan> plans, long bound) {
    // A leader that took over resumes the previous period too: its plans must not replace the
    // current period's.
    plans.forEach(plan -> current.merge(plan.task(), plan,
        (held, resumed) -> held.period() > resumed.period() ? held : resumed));
    timeline.at(bound, () -> assign(plans, bound));
  }

  /** Draws one window per task, after the grace window that opened at {@code graceFrom}. */
  private List<Plan> draw(long period, long graceFrom) {
    long periodStart = period * periodMillis;
    long bound = graceFrom + graceMillis;
    List<Plan> plans = new ArrayList<>();
    for (String task : tasks.keySet()) {
      double f = fractions.draw(random);
      long length = (long) (f * periodMillis);
      long earliest = Math.max(periodStart + graceMillis, bound);
      long latest = periodStart + periodMillis - length;
      if (latest < earliest) {
        log.info("period {}: no test window for {} (f = {}) fits after this gateway's start",
            period, task, f);
        continue;
      }
      long start = earliest + (long) (random.nextDouble() * (latest - earliest));
      plans.add(new Plan(period, task, f, start, start + length));
    }
    return plans;
  }

  /**
   * The grace window closed: gives every bound miner its {@code c_W} and starts pacing. Runs on
   * the timeline's context at the end of the grace window ({@link #openPeriod} schedules it);
   * public for benchmarks.
   *
   * <p>When the budget cannot give every bound miner even one typical request (more miners
   * than it affords, as on a small simulation host), the task is tested in a share of periods
   * only, {@code budget / (miners * typical)}, drawn from the secure source: then every miner
   * at once, one typical request each (the plan's cap), otherwise none (a plan that tests no
   * one is still recorded, and the last window's score stands for the period, see {@link
   * io.assay.gateway.scoring.WeightCalculator}). Never a subset: identities that share a machine
   * are caught only when they are tested together. The budget then bounds the test cost on
   * average, not in each period.
   *
   * <p>Otherwise the windows are water-filled: every miner whose {@code c * f} passes a common
   * cap is asked the cap, the rest their whole {@code c * f}, the cap chosen so the total is
   * the budget. Cutting every window by one factor instead (as SCORING.md reads) lets one
   * identity that declares the most it may shrink every other miner's window until an
   * overclaimer's shrunken window is within what it really serves; under a cap, the overclaim
   * is what is cut, and verified volume counts only the capacity the window tested ({@link
   * TestPlanned#testedCapacity}).
   */
  public void assign(List<Plan> plans) {
    assign(plans, timeline.now());
  }

  /**
   * As {@link #assign(List)}, due at {@code due}: a window that had started by then (a leader
   * that took over) is under way. Decided by when the assignment was due, not when it is
   * written back: a window may start the instant the grace ends, and is then this gateway's to
   * pace however long the store takes to answer.
   */
  private void assign(List<Plan> plans, long due) {
    for (Plan plan : plans) {
      Task task = tasks.get(plan.task());
      List<MinerNode> miners = new ArrayList<>();
      for (MinerNode node : directory.all()) {
        TaskCapacity cap = node.capacity(plan.task(), plan.period());
        if (cap != null && cap.declared() > 0) {
          miners.add(node);
        }
      }
      book.assign(plan, assignment(plan, task, miners))
          .onSuccess(held -> start(plan, task, miners, held, due))
          .onFailure(e -> log.warn("period {}: the test window of {} not assigned: {}",
              plan.period(), plan.task(), e.getMessage()));
    }
  }

  /** Decides who is tested in {@code plan}'s window and each one's cap. */
  private Assignment assignment(Plan plan, Task task, List<MinerNode> miners) {
    long typical = typical(task);
    long allowed = budget.applyAsLong(plan.task());
    double oneEach = (double) miners.size() * typical;
    if (miners.size() > 1 && oneEach > allowed) {
      boolean tested = random.nextDouble() < allowed / oneEach;
      return new Assignment((double) typical, tested ? null : List.of());
    }
    double[] wanted = new double[miners.size()];
    for (int i = 0; i < wanted.length; i++) {
      wanted[i] = miners.get(i).capacity(plan.task(), plan.period()).declared()
          * plan.fraction();
    }
    return new Assignment(waterLevel(wanted, allowed), null);
  }

  /**
   * Gives the miners their windows as {@code held} says and schedules the pacing and the end; a
   * window already under way when its assignment was due (a leader that took over) is only
   * ended, unpaced.
   */
  private void start(Plan plan, Task task, List<MinerNode> bound, Assignment held, long due) {
    List<MinerNode> miners = bound;
    if (held.tested() != null && held.tested().isEmpty()) {
      unplan(miners, plan);
      miners = List.of();
    }
    if (due > plan.start()) {
      // Under way: a leader that took over. The windows its gateway loaded as a follower ({@link
      // #follow}) stay, so organic work in them still counts.
      timeline.at(Math.max(plan.end(), timeline.now()),
          () -> close(plan, List.of(), held.limit(), held.tested()));
      return;
    }
    long typical = typical(task);
    for (MinerNode node : miners) {
      TaskCapacity cap = node.capacity(plan.task(), plan.period());
      TestWindow window = window(plan, cap, held, typical);
      cap.plan(window);
      reserve(plan, node, window.hold());
      Pacing pacing = new Pacing(node, task, cap, window);
      timeline.at(plan.start(), () -> pacing.step(0));
    }
    List<MinerNode> closing = miners;
    timeline.at(plan.end(), () -> close(plan, closing, held.limit(), held.tested()));
    log.debug("period {}: {} test windows of {} planned", plan.period(), miners.size(),
        plan.task());
  }

  /**
   * The level {@code L} at which {@code sum(min(wanted_i, L))} equals {@code budget} (water
   * filling), or null when the whole of {@code wanted} fits.
   */
  static Double waterLevel(double[] wanted, double budget) {
    double total = 0;
    for (double w : wanted) {
      total += w;
    }
    if (total <= budget) {
      return null;
    }
    double[] sorted = wanted.clone();
    java.util.Arrays.sort(sorted);
    double below = 0;
    for (int i = 0; i < sorted.length; i++) {
      int above = sorted.length - i;
      double level = (budget - below) / above;
      if (level <= sorted[i]) {
        return level;
      }
      below += sorted[i];
    }
    return sorted[sorted.length - 1];
  }

  /** A typical request's work units of {@code task}, at least 1. */
  private static long typical(Task task) {
    return Math.max(1, task.spec().unitsPerRequest());
  }

  /** A miner's window of {@code plan}: its {@code c * f}, within the assignment's cap. */
  private TestWindow window(Plan plan, TaskCapacity cap, Assignment held, long typical) {
    double full = cap.declared() * plan.fraction();
    return new TestWindow(plan.start(), plan.end(),
        held.limit() == null ? full : Math.min(full, held.limit()), maxConsecutiveFailures,
        typical);
  }

  /** Miners not tested this period: the window's share held at binding is released. */
  private void unplan(List<MinerNode> untested, Plan plan) {
    for (MinerNode node : untested) {
      node.capacity(plan.task(), plan.period()).plan(null);
      reserve(plan, node, 0);
    }
  }

  /**
   * Pacing steps of a window: two per typical request's worth of {@code c_W}, at least eight,
   * so that answers smaller than their estimate (a chat that stops early) are made up for
   * within the window.
   */
  static int steps(double windowCapacity, long unitsPerRequest) {
    return (int) Math.max(8, Math.min(1_000_000,
        2 * Math.ceil(windowCapacity / Math.max(1, unitsPerRequest))));
  }

  /**
   * One miner's window of one task, paced: at each of {@code steps} even steps (with jitter) the
   * window is due a further {@code c_W / steps}, and synthetic requests are sent while what it
   * was asked (organic work included) is behind that; whenever one of them ends, the window
   * catches up at once rather than at the next step, so a miner that takes one request at a
   * time is asked as fast as it answers. Runs on the timeline's context.
   */
  private final class Pacing {
    private final MinerNode node;
    private final Task task;
    private final TaskCapacity cap;
    private final TestWindow window;
    private final int steps;
    /** What the window should have been asked by the end of the current step. */
    private double due;

    Pacing(MinerNode node, Task task, TaskCapacity cap, TestWindow window) {
      this.node = node;
      this.task = task;
      this.cap = cap;
      this.window = window;
      this.steps = steps(window.capacity(), typical(task));
    }

    void step(int i) {
      if (over()) {
        log.debug("window of {} on {}: over at step {} of {} ({} of {} asked)", node.name(),
            task.spec().id(), i, steps, cap.windowAsked(), window.capacity());
        return;
      }
      due = window.capacity() * (i + 1) / steps;
      send();
      if (i + 1 < steps) {
        double slot = (double) (window.end() - window.start()) / steps;
        double jitter = (random.nextDouble() - 0.5) * 0.8;
        long next = window.start() + (long) ((i + 1 + 0.5 + jitter) * slot);
        timeline.at(Math.max(next, timeline.now()), () -> step(i + 1));
      }
    }

    private boolean over() {
      return timeline.now() >= window.end() || cap.windowStopped() || !leads.getAsBoolean();
    }

    private void send() {
      for (int sent = 0; sent < MAX_BURST && !over()
          && (cap.windowRequests() == 0 || cap.windowAsked() < due); sent++) {
        long room = Math.max(1, (long) Math.ceil(window.capacity() - cap.windowAsked()));
        Sent result = sender.send(node, task, room, this::ended);
        log.debug("window of {} on {}: {} of {} asked, {}", node.name(), task.spec().id(),
            cap.windowAsked(), window.capacity(), result);
        if (result == Sent.NO_ROOM) {
          cap.windowBlocked();
        }
        if (result != Sent.SENT) {
          break;
        }
      }
    }

    /** One of the window's requests ended, on any thread: catch up now. */
    private void ended() {
      timeline.at(timeline.now(), this::send);
    }
  }

  /** The window ended: records what the miners had no room for, then the plan. */
  private void close(Plan plan, List<MinerNode> miners, Double limit, List<String> tested) {
    book.claimEnd(plan).onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        recordEnd(plan, miners, limit, tested);
      } else if (ar.failed()) {
        log.warn("period {}: the end of the test window of {} not recorded: {}", plan.period(),
            plan.task(), ar.cause().getMessage());
      }
    });
  }

  private void recordEnd(Plan plan, List<MinerNode> miners, Double limit,
      List<String> tested) {
    List<Future<Long>> askedInAll = new ArrayList<>();
    for (MinerNode node : miners) {
      askedInAll.add(ledger == null ? Future.succeededFuture(0L)
          : Redis.on(ledger.windowLeased(plan.period(),
              node.hotkey() + "|" + plan.task())));
    }
    Future.join(askedInAll).onComplete(ar -> {
      long now = timeline.now();
      for (int i = 0; i < miners.size(); i++) {
        MinerNode node = miners.get(i);
        TaskCapacity cap = node.capacity(plan.task(), plan.period());
        // What the other gateways asked in the window counts too; unknown (Redis away): only
        // this gateway's, which can only overstate the shortfall when others asked it too.
        Long asked = askedInAll.get(i).succeeded() ? askedInAll.get(i).result() : 0L;
        long unasked = cap == null ? 0 : cap.closeWindow(asked);
        if (unasked > 0) {
          record.accept(new TestShortfall(now, plan.period(), node.hotkey(), plan.task(),
              unasked, RequestOutcome.Outcome.RATE_LIMITED,
              "no room for it before the test window ended"));
        }
      }
      record.accept(new TestPlanned(now, plan.period(), plan.task(), plan.fraction(),
          plan.start(), plan.end(), limit, tested));
    });
  }

  /**
   * On a gateway that does not lead: once the leader has assigned {@code period}'s windows, gives
   * this gateway's bound miners the same windows, unpaced, so that the organic work it routes to
   * them in a window counts toward it and leases from the window's share. Looks again every
   * second until each window has started (for miners bound late), and every {@value
   * #FOLLOW_RETRY_MILLIS} ms while a window is not assigned yet (or the store did not answer),
   * until that window ends: the leader assigns as the grace ends, when a window may already
   * start, and one loaded late still keeps this gateway's routing in the rest of it within
   * {@code c_W}, where without it the gateway would route there as outside any window. Call on
   * the timeline's context.
   */
  public void follow(long period) {
    book.find(period).onComplete(found -> {
      if (found.failed() || found.result() == null) {
        retryFollow(period, Long.MAX_VALUE, FOLLOW_RETRY_MILLIS);
        return;
      }
      List<Plan> plans = found.result();
      List<Future<Assignment>> assigned = new ArrayList<>();
      plans.forEach(plan -> assigned.add(book.assignment(plan)));
      Future.join(assigned).onComplete(all -> {
        long firstStart = Long.MAX_VALUE;
        long unassignedUntil = Long.MIN_VALUE;
        for (int i = 0; i < plans.size(); i++) {
          Plan plan = plans.get(i);
          firstStart = Math.min(firstStart, plan.start());
          Future<Assignment> held = assigned.get(i);
          if (held.succeeded() && held.result() != null) {
            follow(plan, held.result());
          } else {
            unassignedUntil = Math.max(unassignedUntil, plan.end());
          }
        }
        if (unassignedUntil != Long.MIN_VALUE) {
          retryFollow(period, unassignedUntil, FOLLOW_RETRY_MILLIS);
        } else {
          retryFollow(period, firstStart, 1_000);
        }
      });
    });
  }

  /** Gives this gateway's bound miners {@code plan}'s window as {@code held} says, once. */
  private void follow(Plan plan, Assignment held) {
    if (held.tested() != null && held.tested().isEmpty()) {
      return;
    }
    long typical = typical(tasks.get(plan.task()));
    for (MinerNode node : directory.all()) {
      TaskCapacity cap = node.capacity(plan.task(), plan.period());
      if (cap != null && cap.declared() > 0 && cap.window() == null) {
        cap.plan(window(plan, cap, held, typical));
      }
    }
  }

  private void retryFollow(long period, long until, long delayMillis) {
    long next = timeline.now() + delayMillis;
    if (next < Math.min(until, (period + 1) * periodMillis) && !leads.getAsBoolean()) {
      timeline.at(next, () -> follow(period));
    }
  }
}
