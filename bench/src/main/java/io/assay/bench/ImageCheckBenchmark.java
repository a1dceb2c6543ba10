package io.assay.bench;

import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.image.ImageKind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Image checks per second against the raw speed of the engine they re-run.
 *
 * <p>What it measures: {@value #IMAGES} synthetic image requests (the task's own generator, so
 * sizes and steps are those of synthetic traffic; fixed seed), split into one-picture parts as
 * the gateway splits them, answered honestly once per fork in {@link Setup}. One op = one
 * picture:
 *
 * <ul>
 *   <li>{@code rawGeneration}: the ceiling, the reference backend drawing every picture (PNG
 *       encoding included, as a miner pays it), one at a time on one worker;
 *   <li>{@code checks}: the reference checker over the honest answers, {@link
 *       Checker#preferredBatch()} items a call: decode, regenerate, compare perceptually.
 * </ul>
 *
 * <p>No target: a check redraws the picture, so it cannot beat the ceiling; the ratio says what
 * decoding and comparing add. Run: {@code bench/run-checks.sh}, or after {@code ./mvnw -Pbench
 * -DskipTests package -pl bench -am}: {@code java -jar bench/target/benchmarks.jar
 * ImageCheckBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=error")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
public class ImageCheckBenchmark {

  static final int IMAGES = 16;
  private static final long SEED = 20_261_123L;

  private final ImageKind kind = new ImageKind();
  private final TaskSpec spec = new TaskSpec("image", ImageKind.REFERENCE_MODEL,
      Long.MAX_VALUE, 1);

  private ExecutorService worker;
  private Backend backend;
  private List<CheckItem> items;
  private Checker checker;

  @Setup(Level.Trial)
  public void setUp() {
    worker = Executors.newSingleThreadExecutor();
    backend = kind.referenceBackend(spec, worker).orElseThrow();
    Task task = kind.bind(spec);
    SplittableRandom random = new SplittableRandom(SEED);
    List<TaskRequest> requests = new ArrayList<>();
    while (requests.size() < IMAGES) {
      for (TaskRequest part : task.split(task.syntheticGenerator().next(random))) {
        if (requests.size() < IMAGES) {
          requests.add(part);
        }
      }
    }
    items = new ArrayList<>(IMAGES);
    for (TaskRequest request : requests) {
      items.add(new CheckItem(request, backend.serve(request).toCompletableFuture().join()));
    }
    checker = kind.referenceChecker(spec).orElseThrow();
    EmbeddingsCheckBenchmark.requireAllPass(checker, items);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    checker.close();
    backend.close();
    worker.shutdownNow();
  }

  /** The ceiling: the engine drawing every picture. */
  @Benchmark
  @OperationsPerInvocation(IMAGES)
  public void rawGeneration(Blackhole out) {
    List<CompletableFuture<TaskAnswer>> answers = new ArrayList<>(IMAGES);
    for (CheckItem item : items) {
      answers.add(backend.serve(item.request()).toCompletableFuture());
    }
    answers.forEach(a -> out.consume(a.join()));
  }

  /** The checker on the same pictures, its preferred batch a call. */
  @Benchmark
  @OperationsPerInvocation(IMAGES)
  public void checks(Blackhole out) {
    int batch = checker.preferredBatch();
    for (int from = 0; from < IMAGES; from += batch) {
      out.consume(checker.check(items.subList(from, Math.min(IMAGES, from + batch))));
    }
  }
}
