package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.EMB;
import static io.assay.gateway.scoring.LogBuilder.HOUR;
import static io.assay.gateway.scoring.LogBuilder.LLM;

import io.assay.gateway.scoring.MarketLog.Behaviour;
import io.assay.gateway.scoring.MarketLog.Miner;
import io.assay.gateway.scoring.ScoringEvent.CheckFailed;
import io.assay.gateway.scoring.ScoringEvent.ParamsChanged;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringEvent.UidsChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generated event logs for {@link ScoringState}'s properties: markets ({@link MarketLog}) run
 * long against short windows, so that answers, periods and ids leave the state many times, then
 * roughened with what a real log may hold (late and repeated verdicts, verdicts before their
 * answer, failed checks of both causes, abandoned streams either side of the minimum rate,
 * reused answer ids, capped plans and plans that test no one, parameter, task-weight and uid
 * changes). Every log keeps the state's preconditions within {@link #MARGIN}.
 */
final class StateLogs {

  static final String ZK = "zk-proof/circuit";
  static final Duration MARGIN = Duration.ofHours(2);

  private StateLogs() {}

  /** One-hour periods, a 6-hour quality window, 4 periods of volume, small answer counts. */
  static ScoringParams shortWindows(SplittableRandom draw) {
    java.util.SortedMap<String, ScoringParams.TaskParams> tasks = new TreeMap<>();
    tasks.put(LLM, ScoringParams.TaskParams.throughput(draw.nextInt(3) * 5));
    tasks.put(EMB, ScoringParams.TaskParams.throughput(0));
    tasks.put(ZK, new ScoringParams.TaskParams(0, Duration.ofSeconds(2 + draw.nextInt(5))));
    return new ScoringParams(Duration.ofHours(1), Duration.ofMinutes(2), Duration.ofHours(6),
        1 + draw.nextInt(8), 0.85, 1.5, 0.5, 1.0, Duration.ofHours(4), 2, 2, 0.25, 1.5,
        Duration.ofSeconds(1 + draw.nextInt(30)), 1 + draw.nextInt(12), null, tasks);
  }

  /** A rough log of {@code periods} periods over three tasks. */
  static List<ScoringEvent> log(long seed, int periods) {
    SplittableRandom draw = new SplittableRandom(seed);
    ScoringParams params = shortWindows(draw);
    Behaviour[] kinds = Behaviour.values();
    List<Miner> llm = new ArrayList<>();
    List<Miner> emb = new ArrayList<>();
    List<Miner> zk = new ArrayList<>();
    for (int i = 0; i < 2 + draw.nextInt(4); i++) {
      Behaviour b = kinds[draw.nextInt(kinds.length)];
      long rate = 50 + draw.nextInt(400);
      llm.add(new Miner("m" + i, b, rate, b == Behaviour.OVERCLAIM ? rate * 3 : rate,
          0.002 + draw.nextDouble() * 0.02, "m" + i));
      if (draw.nextBoolean()) {
        emb.add(Miner.honest("m" + i, 30 + draw.nextInt(100), 0.01));
      }
      if (draw.nextInt(3) == 0) {
        zk.add(new Miner("m" + i, draw.nextBoolean() ? Behaviour.HONEST : Behaviour.SLOW, 20, 20,
            0.05 + draw.nextDouble() * 0.1, "m" + i));
      }
    }
    MarketLog market = new MarketLog(seed, params).task(LLM, 0.5, llm)
        .organicLoad(draw.nextDouble());
    if (!emb.isEmpty()) {
      market.task(EMB, 0.3, emb);
    }
    if (!zk.isEmpty()) {
      market.task(ZK, 0.2, zk);
    }
    if (draw.nextBoolean()) {
      market.exactSpeeds();
    }
    return roughen(market.run(periods), params, draw);
  }

  private static List<ScoringEvent> roughen(List<ScoringEvent> log, ScoringParams params,
      SplittableRandom draw) {
    List<ScoringEvent> out = new ArrayList<>();
    List<RequestOutcome> recent = new ArrayList<>();
    for (ScoringEvent e : log) {
      if (e instanceof RequestOutcome o) {
        if (o.outcome() == Outcome.SUCCESS && draw.nextInt(12) == 0) {
          // an abandoned stream, stalled or not
          o = new RequestOutcome(o.at(), o.assignedAt(), o.period(), o.miner(), o.task(),
              o.answerId(), Outcome.ABANDONED, o.estimate(), o.units() / 2,
              draw.nextDouble() * 60, o.synthetic(), o.checkProbability(), o.circuit());
        }
        if (draw.nextInt(40) == 0 && !recent.isEmpty()) {
          // an answer id seen before, of the same miner and task
          RequestOutcome other = recent.get(draw.nextInt(recent.size()));
          if (other.miner().equals(o.miner()) && other.task().equals(o.task())) {
            o = new RequestOutcome(o.at(), o.assignedAt(), o.period(), o.miner(), o.task(),
                other.answerId(), o.outcome(), o.estimate(), o.units(), o.seconds(),
                o.synthetic(), o.checkProbability(), o.circuit());
          }
        }
        if (draw.nextInt(30) == 0) {
          // its verdict recorded first
          out.add(new QualityChecked(o.at(), o.miner(), o.task(), o.answerId(),
              draw.nextDouble() * 1.4 - 0.2));
        }
        out.add(o);
        recent.add(o);
        long since = o.at() - MARGIN.toMillis() / 2;
        recent.removeIf(r -> r.at() < since);
        if (recent.size() > 50) {
          recent.remove(0);
        }
      } else if (e instanceof QualityChecked c) {
        out.add(draw.nextInt(15) == 0 ? new QualityChecked(c.at(), c.miner(), c.task(),
            c.answerId(), draw.nextDouble() * 1.4 - 0.2) : c);
      } else if (e instanceof TestPlanned t && draw.nextInt(6) == 0) {
        out.add(new TestPlanned(t.at(), t.period(), t.task(), t.fraction(), t.windowStart(),
            t.windowEnd(), draw.nextBoolean() ? 1.0 + draw.nextInt(20) : null,
            draw.nextBoolean() ? List.of() : List.of("m0", "m1")));
      } else {
        out.add(e);
      }
      if (!recent.isEmpty() && draw.nextInt(25) == 0) {
        // a late or repeated verdict, or a failed check, within the margin
        RequestOutcome o = recent.get(draw.nextInt(recent.size()));
        long at = Math.max(o.at(), e.at()) + draw.nextInt(60_000);
        out.add(draw.nextInt(3) == 0
            ? new CheckFailed(at, o.miner(), o.task(), o.answerId(),
                draw.nextBoolean() ? CheckFailed.Cause.ANSWER : CheckFailed.Cause.SERVICE)
            : new QualityChecked(at - draw.nextInt(2) * 120_000, o.miner(), o.task(),
                o.answerId(), draw.nextDouble()));
      }
      if (draw.nextInt(400) == 0) {
        out.add(new UidsChanged(e.at(), Map.of("m" + draw.nextInt(4), draw.nextInt(100))));
      }
      if (draw.nextInt(500) == 0) {
        double w = draw.nextDouble();
        out.add(new TaskWeightsChanged(e.at(), Map.of(LLM, w, EMB, (1 - w) / 2, ZK,
            (1 - w) / 2), "api"));
      }
      if (draw.nextInt(700) == 0) {
        // same windows and counts: only what settles and weighs differently
        ScoringParams changed = new ScoringParams(params.period(), params.declarationGrace(),
            params.qualityWindow(), params.minAnswers(), 0.7 + draw.nextDouble() * 0.3,
            1 + draw.nextDouble(), draw.nextDouble(), draw.nextDouble() * 2,
            params.volumeWindow(), 1 + draw.nextInt(5), draw.nextInt(4), 0.25,
            1 + draw.nextDouble(), Duration.ofSeconds(draw.nextInt(40)), params.zkRecent(),
            draw.nextBoolean() ? 7 : null, params.tasks());
        out.add(ParamsChanged.of(e.at(), changed));
      }
    }
    return out;
  }

  /** The end of period {@code p}. */
  static long endOf(long p) {
    return (p + 1) * HOUR - 1;
  }
}
