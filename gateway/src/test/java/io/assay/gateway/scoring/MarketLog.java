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
  private long quantum = 1;
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

  /** Every request's size a multiple of {@code units}, so it splits into whole pieces. */
  MarketLog quantum(long units) {
    this.quantum = units;
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

    // A machine serves evenly: in a span it can serve its rate times the span's share.
    Map<String, Double> outsideLeft = new HashMap<>();
    Map<String, Double> windowLeft = new HashMap<>();
    List<Request> requests = new ArrayList<>();
    for (Miner m : taskMiners) {
      outsideLeft.merge(m.machine(), m.rate() * (1 - f), Double::max);
      windowLeft.merge(m.machine(), m.rate() * f, Double::max);
      long c = declared(m);
      if (m.behaviour() == Behaviour.LATE || c == 0) {
        continue;
      }
      events.add(new CapacityDeclared(start + 1000, p, m.hotkey(), task, c, 4));
      // The window asks c_W at the declared rate (at least one request), organic demand first;
      // outside it, organic demand only, spread over the rest of the period after the grace.
      requests.addAll(requests(m, Math.max(c * f, 1), windowStart, windowEnd, true));
      double outside = organicLoad * c * (1 - f);
      double before = (windowStart - start - grace) / (double) (HOUR - grace - length);
      requests.addAll(requests(m, outside * before, start + grace, windowStart, false));
      requests.addAll(requests(m, outside * (1 - before), windowEnd, start + HOUR, false));
    }
    requests.sort(Comparator.comparingLong(Request::assignedAt));

    Map<String, Integer> failuresInARow = new HashMap<>();
    Map<String, Long> windowAsked = new HashMap<>();
    java.util.Set<String> stopped = new java.util.HashSet<>();
    for (Request r : requests) {
      Miner m = r.miner();
      if (r.inWindow() && stopped.contains(m.hotkey())) {
        continue;
      }
      Map<String, Double> left = r.inWindow() ? windowLeft : outsideLeft;
      double room = left.getOrDefault(m.machine(), 0.0);
      Outcome outcome = outcome(m, room >= r.units());
      if (outcome == Outcome.SUCCESS) {
        left.put(m.machine(), room - r.units());
      }
      record(p, task, r, outcome);
      if (!r.inWindow()) {
        continue;
      }
      windowAsked.merge(m.hotkey(), r.units(), Long::sum);
      if (outcome == Outcome.SUCCESS) {
        failuresInARow.put(m.hotkey(), 0);
      } else if (outcome == Outcome.FAILED
          && failuresInARow.merge(m.hotkey(), 1, Integer::sum) == 5) {
        stopped.add(m.hotkey());
        long rest = (long) Math.ceil(Math.max(declared(m) * f - windowAsked.get(m.hotkey()), 0));
        if (rest > 0) {
          events.add(new TestShortfall(r.assignedAt() + 1, p, m.hotkey(), task, rest,
              Outcome.FAILED, "the test window stopped after failures in a row"));
        }
      }
    }
    events.add(new TestPlanned(windowEnd, p, task, f, windowStart, windowEnd));
  }

  private long declared(Miner m) {
    return m.behaviour() == Behaviour.GO_DARK ? m.declared() * 50 : m.declared();
  }

  private record Request(Miner miner, long assignedAt, long units, boolean synthetic,
      boolean inWindow) {}

  /**
   * Requests of 1 to 20 quanta totalling at most {@code units} (a window always gets at least
   * one), spread over {@code [from, to)}: as routing, which never asks beyond a window's
   * capacity.
   */
  private List<Request> requests(Miner m, double units, long from, long to, boolean window) {
    List<Request> out = new ArrayList<>();
    if (to <= from) {
      return out;
    }
    long left = Math.max((long) Math.floor(units / quantum), window ? 1 : 0);
    while (left > 0) {
      long size = Math.min(1 + random.nextInt(20), left);
      long at = from + (long) (random.nextDouble() * (to - from));
      boolean synthetic = window && random.nextDouble() >= organicLoad;
      out.add(new Request(m, at, size * quantum, synthetic, window));
      left -= size;
    }
    return out;
  }

  private Outcome outcome(Miner m, boolean machineHasRoom) {
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
