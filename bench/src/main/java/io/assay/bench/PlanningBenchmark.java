package io.assay.bench;

import io.assay.gateway.miner.MinerClient;
import io.assay.gateway.period.Timeline;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.synthetic.TestFractions;
import io.assay.gateway.synthetic.TestWindows;
import io.assay.protocol.Identity;
import io.assay.task.Task;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Event-loop time to plan a period's test windows (issue 11: under 100 ms for 256 miners x 5
 * tasks at maximum capacity). One op = drawing the windows of every task ({@code
 * TestWindows.openPeriod}) and, as at the end of the grace window, giving every bound miner its
 * {@code c_W} and scheduling its pacing ({@code assign}), both run on the timeline's event loop,
 * timed there. Every miner declares each task's maximum capacity (millions of requests' worth
 * in a window): the plan holds one pacing entry per (miner, task), not one per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 50)
@Fork(1)
public class PlanningBenchmark {

  private static final long PERIOD = Duration.ofMinutes(60).toMillis();
  private static final long GRACE = Duration.ofMinutes(2).toMillis();
  private static final List<String> KINDS = List.of("llm", "embeddings", "image", "zk-proof",
      "zk-proof");
  private static final List<String> MODELS = List.of("reference-lm", "all-MiniLM-L6-v2",
      "reference-image", "timeseries-mlp-bn128", "timeseries-mlp-bls12381");
  private static final long MAX_CAPACITY = 100_000_000L;

  @Param({"256"})
  int miners;

  private Vertx vertx;
  private Context context;
  private final MinerDirectory directory = new MinerDirectory();
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private Timeline timeline;
  private TestWindows windows;

  @Setup(Level.Trial)
  public void market() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    TaskKinds kinds = TaskKinds.discover();
    for (int t = 0; t < KINDS.size(); t++) {
      Task task = kinds.byName(KINDS.get(t)).orElseThrow()
          .bind(new TaskSpec(KINDS.get(t), MODELS.get(t), MAX_CAPACITY, 64));
      tasks.put(task.spec().id(), task);
    }
    for (int i = 0; i < miners; i++) {
      MinerNode node = new MinerNode(new MinerClient("m" + i, "http://127.0.0.1:1",
          Identity.generate().hotkey(), null, null, Duration.ofSeconds(1), Clock.systemUTC()));
      directory.put(node);
    }
  }

  @Setup(Level.Invocation)
  public void freshPeriod() {
    for (MinerNode node : directory.all()) {
      for (String task : tasks.keySet()) {
        node.bind(task, 0, MAX_CAPACITY, 64);
      }
    }
    Clock atGraceEnd = Clock.fixed(Instant.ofEpochMilli(GRACE), ZoneOffset.UTC);
    timeline = new Timeline(context, atGraceEnd, 1000);
    windows = new TestWindows(directory, tasks, task -> Long.MAX_VALUE, timeline,
        (miner, task, room, ended) -> TestWindows.Sent.NOT_MADE, event -> { },
        TestFractions.defaults(),
        new SplittableRandom(7), PERIOD, GRACE, 5);
  }

  @TearDown(Level.Invocation)
  public void closeTimeline() {
    timeline.close();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /**
   * Plans the period on the event loop and waits for it (one hop onto the context, a few
   * microseconds, is the only time measured outside the planning); returns the entries it left
   * queued, so the work is used.
   */
  @Benchmark
  public int planPeriod() throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      windows.assign(windows.openPeriod(0, 0).result());
      done.complete(timeline.size());
    });
    return done.get(1, TimeUnit.MINUTES);
  }
}
