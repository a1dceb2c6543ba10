package io.assay.bench;

import io.assay.gateway.scoring.EventLog;
import io.assay.gateway.scoring.Retention;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringState;
import io.assay.gateway.scoring.WeightReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 12, item 4: the incremental weight computation at a subnet's scale.
 *
 * <ul>
 *   <li>{@link Compute#compute}: one weight computation ({@code ScoringState.report}) for 256
 *       miners x 16 tasks over 5 days of events at 100 requests/s (43.2 million outcomes, 8
 *       million verdicts, declarations and plans; {@link SyntheticScoringLog}), the state built
 *       in setup by accepting every event in order, as the gateway does. Before each
 *       computation (not timed) the next 20 minutes of events are accepted and the state
 *       advanced to the computation's time, as at the gateway's cadence: each computation
 *       ranks a pool that moved. The tasks are scored on {@code threads} threads. Target: 500
 *       ms.
 *   <li>{@link Ingest#accept} and {@link Ingest#parseAndAccept}: events accepted per second by
 *       a state, from event objects and from the stream's JSON (what the gateway's worker
 *       does per entry). One op = one event. Target: 100,000 events/s.
 * </ul>
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar ScoringStateBenchmark -rf json -rff bench/results/scoring-state.json
 * </pre>
 */
public class ScoringStateBenchmark {

  /** The state of five days at 100 requests/s, and a computation at its end. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3)
  @Measurement(iterations = 10)
  @Fork(value = 1, jvmArgsAppend = {"-Xms10g", "-Xmx10g", "-XX:+UseParallelGC"})
  public static class Compute {

    @Param({"256"})
    int miners;
    @Param({"16"})
    int tasks;
    @Param({"100"})
    int perSecond;
    @Param({"5"})
    int days;
    @Param({"2"})
    int threads;

    private SyntheticScoringLog log;
    private ScoringState state;
    private long end;
    private long computedAt;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void fiveDays() {
      log = new SyntheticScoringLog(miners, tasks, perSecond, 12);
      state = ScoringState.create(Retention.withMargin(Duration.ofHours(1)));
      long start = 1_750_000_000L / 3600 * 3600;
      end = start + days * 86_400L;
      log.header(start * 1000, state::accept);
      long t0 = System.nanoTime();
      long hour = 3600;
      for (long s = start; s < end; s += hour) {
        log.seconds(s, s + hour, state::accept);
        if ((s - start) % (6 * hour) == 0) {
          state.advance(state.newestAt());
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      state.advance(state.newestAt());
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf("%n%d events accepted in %.1f s (with generating them); heap in use"
          + " after a full GC: %d MB%n", state.accepted(), seconds,
          (rt.totalMemory() - rt.freeMemory()) >> 20);
      pool = Executors.newFixedThreadPool(threads);
    }

    /** The next 20 minutes of events, as between two computations at the default cadence. */
    @Setup(Level.Iteration)
    public void twentyMinutesMore() {
      log.seconds(end, end + 1200, state::accept);
      end += 1200;
      computedAt = Math.max(end * 1000, state.newestAt());
      state.advance(computedAt);
    }

    @TearDown(Level.Trial)
    public void stop() {
      pool.shutdown();
    }

    @Benchmark
    public WeightReport compute() {
      return state.report(computedAt, pool);
    }
  }

  /** A day's first three hours of events at 100 requests/s, accepted by a fresh state. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 6)
  @Measurement(iterations = 8)
  @Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
  public static class Ingest {

    static final int EVENTS = 1_000_000;

    private final List<ScoringEvent> events = new ArrayList<>();
    private final List<String> json = new ArrayList<>();
    private ScoringState state;

    @Setup(Level.Trial)
    public void generate() {
      SyntheticScoringLog log = new SyntheticScoringLog(256, 16, 100, 7);
      long start = 1_750_000_000L / 3600 * 3600;
      log.header(start * 1000, events::add);
      for (long s = start; events.size() < EVENTS; s += 60) {
        log.seconds(s, s + 60, events::add);
      }
      events.subList(EVENTS, events.size()).clear();
      for (ScoringEvent e : events) {
        json.add(EventLog.toJson(e));
      }
    }

    @Setup(Level.Invocation)
    public void fresh() {
      state = ScoringState.create(Retention.withMargin(Duration.ofHours(1)));
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long accept() {
      for (ScoringEvent e : events) {
        state.accept(e);
      }
      return state.accepted();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long parseAndAccept() {
      for (String j : json) {
        state.accept(EventLog.fromJson(j));
      }
      return state.accepted();
    }
  }
}
