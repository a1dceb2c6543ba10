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
import io.assay.gateway.synthetic.TestFractions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates the event log a gateway would record for a market of miners with scripted
 * behaviours, period by period, as SCORING.md version 2 runs it: binding declarations, one test
 * window per task and period shared by its miners and asked at each miner's declared rate,
 * organic demand at a given load, checks (every synthetic answer, organic ones with {@code p =
 * 0.1}), failures in a row stopping a window, and each miner's real service rate, shared between
 * identities that run on one machine. Deterministic for a seed; plain Java.
 *
 * <p>A miner really serves {@code rate} units per period, evenly: in a window of {@code f} of the
 * period it can serve {@code rate * f}; requests beyond what its machine has left get 429.
 */
final class MarketLog {

  static final long HOUR = LogBuilder.HOUR;

  /** How a generated miner behaves. */
  enum Behaviour {
    HONEST, OVERCLAIM, RANDOM_OUTPUT, OTHER_MODEL, BAD_PROOF, GO_DARK, LATE, DETECTOR, STALLER,
    EARLY_STOP, CHECKER_FAILS, SLOW, FLAKY
  }

  /**
   * @param rate units per period it really serves
   * @param declared {@code c} it declares per period
   * @param secondsPerUnit its service time
   * @param machine identities with the same machine share its rate
   */
  record Miner(String hotkey, Behaviour behaviour, long rate, long declared,
      double secondsPerUnit, String machine) {

    static Miner honest(String hotkey, long rate, double secondsPerUnit) {
      return new Miner(hotkey, Behaviour.HONEST, rate, rate, secondsPerUnit, hotkey);
    }
  }

  private final SplittableRandom random;
  private final ScoringParams params;
  private final Map<String, Double> taskWeights = new LinkedHashMap<>();
  private final Map<String, List<Miner>> miners = new LinkedHashMap<>();
  private double organicLoad;
  private boolean speedNoise = true;
  private final List<ScoringEvent> events = new ArrayList<>();
  private int answers;

  MarketLog(long seed, ScoringParams params) {
    this.random = new SplittableRandom(seed);
    this.params = params;
  }

  MarketLog task(String id, double weight, List<Miner> taskMiners) {
    taskWeights.put(id, weight);
    miners.put(id, List.copyOf(taskMiners));
    return this;
  }

  /** Organic demand per period, as a share of each miner's declaration (0 to 1). */
  MarketLog organicLoad(double load) {
    this.organicLoad = load;
    return this;
  }

  /** Without speed noise every answer of a miner takes exactly its service time. */
  MarketLog exactSpeeds() {
    this.speedNoise = false;
    return this;
  }

  /** The log of {@code periods} periods, from period 0. */
  List<ScoringEvent> run(int periods) {
    events.add(ParamsChanged.of(0, params));
    events.add(new TaskWeightsChanged(0, taskWeights, "config"));
    for (int p = 0; p < periods; p++) {
      for (Map.Entry<String, List<Miner>> e : miners.entrySet()) {
        period(p, e.getKey(), e.getValue());
      }
    }
    return List.copyOf(events);
  }

  /** When the log ends: the last millisecond of its last period. */
  static long endOf(int periods) {
    return periods * HOUR - 1;
  }

  private void period(long p, String task, List<Miner> taskMiners) {
    long start = p * HOUR;
    double f = TestFractions.defaults().draw(random);
    long length = (long) (f * HOUR);
    long grace = params.declarationGrace().toMillis();
    long windowStart = start + grace + (long) (random.nextDouble() * (HOUR - length - grace));
    long windowEnd = windowStart + length;

    Map<String, Double> machineLeft = new HashMap<>();
    List<Request> requests = new ArrayList<>();
    for (Miner m : taskMiners) {
      machineLeft.merge(m.machine(), (double) m.rate(), Double::max);
      long c = declared(m);
      if (m.behaviour() == Behaviour.LATE || c == 0) {
        continue;
      }
      events.add(new CapacityDeclared(start + 1000, p, m.hotkey(), task, c, 4));
      // The window asks c_W at the declared rate (at least one request); organic demand fills
      // a share of it first. Outside the window, organic demand only.
      double windowAsk = Math.max(c * f, 1);
      requests.addAll(requests(m, windowAsk, windowStart, windowEnd, true));
      double outside = organicLoad * c * (1 - f);
      requests.addAll(requests(m, outside, start + grace, windowStart, false));
      requests.addAll(requests(m, outside * ((HOUR - (windowEnd - start)) / (double) HOUR),
          windowEnd, start + HOUR, false));
    }
    requests.sort(Comparator.comparingLong(Request::assignedAt));

    // The machine serves evenly: what it can serve in a span is its rate times the span.
    Map<String, Integer> failuresInARow = new HashMap<>();
    Map<String, Double> windowAskedOf = new HashMap<>();
    Map<String, Boolean> stopped = new HashMap<>();
    Map<String, Double> windowBudget = new HashMap<>();
    for (Miner m : taskMiners) {
      windowBudget.merge(m.machine(), m.rate() * f, Double::max);
    }
    for (Request r : requests) {
      Miner m = r.miner();
      if (r.inWindow() && stopped.getOrDefault(m.hotkey(), false)) {
        continue;
      }
      String budgetKey = r.inWindow() ? "w:" + m.machine() : m.machine();
      Map<String, Double> budget = r.inWindow() ? windowBudget : machineLeft;
      double left = budget.getOrDefault(r.inWindow() ? m.machine() : m.machine(), 0.0);
      Outcome outcome = outcome(m, r, left >= r.units());
      if (outcome == Outcome.SUCCESS) {
        budget.put(m.machine(), left - r.units());
      }
      record(p, task, r, outcome);
      if (r.inWindow()) {
        windowAskedOf.merge(m.hotkey(), (double) r.units(), Double::sum);
        int run = outcome == Outcome.FAILED ? failuresInARow.merge(m.hotkey(), 1, Integer::sum)
            : failuresInARow.put(m.hotkey(), 0) == null ? 0 : 0;
        if (run >= 5 && !stopped.getOrDefault(m.hotkey(), false)) {
          stopped.put(m.hotkey(), true);
          long rest = (long) Math.ceil(Math.max(declared(m) * f
              - windowAskedOf.get(m.hotkey()), 0));
          if (rest > 0) {
            events.add(new TestShortfall(r.assignedAt() + 1, p, m.hotkey(), task, rest,
                Outcome.FAILED, "stopped"));
          }
        }
      }
      budgetKey.length();
    }
    events.add(new TestPlanned(windowEnd, p, task, f, windowStart, windowEnd, 1.0));
  }

  private long declared(Miner m) {
    return m.behaviour() == Behaviour.GO_DARK ? m.declared() * 50 : m.declared();
  }

  private record Request(Miner miner, long assignedAt, long units, boolean synthetic,
      boolean inWindow) {}

  /** Requests totalling about {@code units}, of 1 to 20 units, spread over {@code [from, to)}. */
  private List<Request> requests(Miner m, double units, long from, long to, boolean window) {
    List<Request> out = new ArrayList<>();
    if (to <= from) {
      return out;
    }
    double asked = 0;
    while (asked < units || (window && out.isEmpty())) {
      long size = 1 + random.nextInt(20);
      long at = from + (long) (random.nextDouble() * (to - from));
      boolean synthetic = window && random.nextDouble() >= organicLoad;
      out.add(new Request(m, at, size, synthetic, window));
      asked += size;
    }
    return out;
  }

  private Outcome outcome(Miner m, Request r, boolean machineHasRoom) {
    switch (m.behaviour()) {
      case GO_DARK, BAD_PROOF:
        return Outcome.FAILED;
      case FLAKY:
        if (random.nextDouble() < 0.3) {
          return Outcome.FAILED;
        }
        break;
      case STALLER:
        if (random.nextBoolean()) {
          return Outcome.FAILED; // a stream cut for falling behind
        }
        break;
      default:
        break;
    }
    return machineHasRoom ? Outcome.SUCCESS : Outcome.RATE_LIMITED;
  }

  private void record(long p, String task, Request r, Outcome outcome) {
    Miner m = r.miner();
    answers++;
    String id = "a" + answers;
    long units = outcome != Outcome.SUCCESS ? 0
        : m.behaviour() == Behaviour.EARLY_STOP ? Math.min(3, r.units()) : r.units();
    double slow = m.behaviour() == Behaviour.SLOW ? 10 : 1;
    double noise = speedNoise ? 0.9 + 0.2 * random.nextDouble() : 1;
    double seconds = outcome == Outcome.SUCCESS ? Math.max(units, 1) * m.secondsPerUnit() * slow
        * noise : 0.01;
    boolean picked = r.synthetic() || random.nextDouble() < 0.1;
    Double p0 = outcome == Outcome.SUCCESS && picked ? (r.synthetic() ? 1.0 : 0.1) : null;
    long at = r.assignedAt() + (long) (seconds * 1000);
    events.add(new RequestOutcome(at, r.assignedAt(), p, m.hotkey(), task, id, outcome,
        r.units(), units, seconds, r.synthetic(), p0));
    if (p0 == null) {
      return;
    }
    if (m.behaviour() == Behaviour.CHECKER_FAILS) {
      events.add(new CheckFailed(at + 1, m.hotkey(), task, id, CheckFailed.Cause.ANSWER));
      return;
    }
    events.add(new QualityChecked(at + 1, m.hotkey(), task, id, quality(m, r)));
  }

  private static double quality(Miner m, Request r) {
    return switch (m.behaviour()) {
      case RANDOM_OUTPUT -> 0;
      case OTHER_MODEL -> 0.1;
      case EARLY_STOP -> 0.2;
      case DETECTOR -> r.synthetic() ? 1 : 0;
      default -> 1;
    };
  }
}
