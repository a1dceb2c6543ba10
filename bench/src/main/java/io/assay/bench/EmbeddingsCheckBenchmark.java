package io.assay.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Checker.CheckResult;
import io.assay.task.Json;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.embeddings.EmbeddingsKind;
import io.assay.task.embeddings.MiniLmEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * Embedding checks per second against the raw speed of the model they re-run.
 *
 * <p>What it measures: {@value #INPUTS} distinct short sentences (questions, support messages,
 * product lines, news, log lines; built from a fixed seed), each one request of one input, with
 * the honest answers of the reference backend made once per fork in {@link Setup}. Both
 * benchmarks report inputs per second (one op = one input):
 *
 * <ul>
 *   <li>{@code rawInference}: the ceiling, {@link MiniLmEngine#embed} over all inputs in batches
 *       of {@value #BATCH} (tokenising included, as any caller pays it);
 *   <li>{@code checks}: the reference checker ({@code EmbeddingsKind.referenceChecker}) over all
 *       answers, {@link Checker#preferredBatch()} items a call: recompute, compare, verdict.
 * </ul>
 *
 * <p>Target (checking-server throughput): {@code checks} at least 80% of {@code rawInference}
 * measured in the same run. The model is loaded once per fork, outside the measurement, as a
 * checking server loads it once per process. ONNX Runtime uses the machine's cores inside each
 * call; the benchmark thread is one checking worker.
 *
 * <p>JMH runs the two one after the other, so on a shared machine a change in other load between
 * them moves the ratio; {@link PairedEmbeddingsRun} measures the same two loops alternately,
 * round by round, for a ratio that load drift does not bias.
 *
 * <p>Run: {@code bench/run-checks.sh}, or after {@code ./mvnw -Pbench -DskipTests package -pl
 * bench -am}: {@code java -jar bench/target/benchmarks.jar EmbeddingsCheckBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// DJL warns in every fork that there is no CUDA; errors still show.
@Fork(value = 2, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=error")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
public class EmbeddingsCheckBenchmark {

  static final int INPUTS = 256;
  static final int BATCH = 32;
  private static final long SEED = 20_250_917L;

  private final TaskKind kind = new EmbeddingsKind();
  private final TaskSpec spec =
      new TaskSpec("embeddings", MiniLmEngine.MODEL_ID, Long.MAX_VALUE, 1);

  private List<String> texts;
  private List<CheckItem> items;
  private Checker checker;
  private MiniLmEngine engine;

  @Setup(Level.Trial)
  public void setUp() {
    texts = sentences(INPUTS, new SplittableRandom(SEED));
    engine = MiniLmEngine.shared();
    items = honestAnswers(texts);
    checker = kind.referenceChecker(spec).orElseThrow();
    requireAllPass(checker, items);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    checker.close();
  }

  /** The ceiling: the model alone, {@value #BATCH} inputs a call. */
  @Benchmark
  @OperationsPerInvocation(INPUTS)
  public void rawInference(Blackhole out) {
    embedAll(out::consume);
  }

  /** The checker on the same inputs' honest answers, its preferred batch a call. */
  @Benchmark
  @OperationsPerInvocation(INPUTS)
  public void checks(Blackhole out) {
    checkAll(out::consume);
  }

  void embedAll(Consumer<Object> out) {
    for (int from = 0; from < INPUTS; from += BATCH) {
      out.accept(engine.embed(texts.subList(from, Math.min(INPUTS, from + BATCH))));
    }
  }

  void checkAll(Consumer<Object> out) {
    int batch = checker.preferredBatch();
    for (int from = 0; from < INPUTS; from += batch) {
      out.accept(checker.check(items.subList(from, Math.min(INPUTS, from + batch))));
    }
  }

  /** Requests parsed as the gateway parses them, answered by the reference backend. */
  private List<CheckItem> honestAnswers(List<String> inputs) {
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try (Backend backend = kind.referenceBackend(spec, workers).orElseThrow()) {
      List<TaskRequest> requests = new ArrayList<>(inputs.size());
      List<CompletableFuture<TaskAnswer>> answers = new ArrayList<>(inputs.size());
      for (String input : inputs) {
        ObjectNode body = Json.MAPPER.createObjectNode()
            .put("model", spec.model())
            .put("input", input)
            .put("encoding_format", "float");
        TaskRequest request = kind.parseRequest("/v1/embeddings",
            body.toString().getBytes(StandardCharsets.UTF_8));
        requests.add(request);
        answers.add(backend.serve(request).toCompletableFuture());
      }
      List<CheckItem> out = new ArrayList<>(inputs.size());
      for (int i = 0; i < requests.size(); i++) {
        out.add(new CheckItem(requests.get(i), answers.get(i).join()));
      }
      return List.copyOf(out);
    } finally {
      workers.shutdownNow();
    }
  }

  /** The benchmark is of the honest path: refuse to measure anything else. */
  static void requireAllPass(Checker checker, List<CheckItem> items) {
    List<CheckResult> results = checker.check(items);
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i).quality() != 1) {
        throw new IllegalStateException("honest answer " + i + " got " + results.get(i));
      }
    }
  }

  private static final String[] PEOPLE = {"My landlord", "The new manager", "Our neighbour",
      "A customer in Leeds", "The support team", "My sister", "The delivery driver",
      "Our CTO", "The nurse on duty", "A student"};
  private static final String[] DID = {"cancelled", "rescheduled", "forgot about",
      "complained about", "approved", "double-booked", "praised", "paid for", "moved",
      "asked twice about"};
  private static final String[] WHAT = {"the kitchen repair", "Friday's meeting",
      "the quarterly report", "a refund for the blender", "the team dinner", "the server upgrade",
      "the parcel from Berlin", "her flu shot", "the exam results", "the parking permit",
      "our Wi-Fi contract", "the garden fence"};
  private static final String[] WHEN = {"yesterday", "this morning", "last week",
      "at the last minute", "without telling anyone", "two days late", "again",
      "before lunch"};
  private static final String[] ASK = {"How do I", "Is it safe to", "What is the fastest way to",
      "Can I", "Why can't I", "Who should I ask to"};
  private static final String[] ACTION = {"reset my router", "renew a passport",
      "freeze a bank card", "update Java on a Mac", "clean a cast iron pan",
      "change the default printer", "export contacts to CSV", "book a train with a bike",
      "remove a stripped screw", "split a PDF into pages", "repot an orchid",
      "claim travel expenses"};
  private static final String[] PRODUCT = {"wireless earbuds", "a standing desk",
      "trail running shoes", "a 27-inch monitor", "a kettle", "a robot vacuum",
      "a carry-on suitcase", "a yoga mat", "an e-reader", "a rice cooker"};
  private static final String[] VERDICT = {"broke after a month", "is worth every penny",
      "arrived with a cracked lid", "is quieter than expected", "has a battery that lasts days",
      "feels cheap but works", "was easy to set up", "smells of plastic"};
  private static final String[] PLACE = {"Lisbon", "Nairobi", "Osaka", "Toronto", "Krakow",
      "Melbourne", "Bogota", "Oslo", "Austin", "Chennai"};
  private static final String[] NEWS = {"opens a new tram line", "bans cars from the old town",
      "reports record rainfall", "hosts a chess championship", "cuts bus fares",
      "plants ten thousand trees", "delays the airport expansion"};
  private static final String[] SERVICE = {"auth-gateway", "order-api", "billing-cron",
      "search-indexer"};
  private static final String[] EVENT = {"timed out after %d ms", "retried %d times",
      "processed %d records", "returned status %d"};

  /** {@code count} distinct short sentences; the same for the same random source. */
  static List<String> sentences(int count, SplittableRandom r) {
    Set<String> out = new LinkedHashSet<>();
    while (out.size() < count) {
      out.add(switch (r.nextInt(5)) {
        case 0 -> pick(r, PEOPLE) + " " + pick(r, DID) + " " + pick(r, WHAT) + " "
            + pick(r, WHEN) + ".";
        case 1 -> pick(r, ASK) + " " + pick(r, ACTION) + "?";
        case 2 -> "The " + pick(r, PRODUCT).replaceFirst("^an? ", "") + " I bought "
            + pick(r, VERDICT) + ".";
        case 3 -> pick(r, PLACE) + " " + pick(r, NEWS) + " " + pick(r, WHEN) + ".";
        default -> String.format(Locale.ROOT, "WARN %s: request %s", pick(r, SERVICE),
            String.format(Locale.ROOT, pick(r, EVENT), 1 + r.nextInt(5000)));
      });
    }
    return List.copyOf(out);
  }

  private static String pick(SplittableRandom r, String[] words) {
    return words[r.nextInt(words.length)];
  }
}
