package io.assay.bench;

import io.assay.task.Backend;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskSpec;
import io.assay.task.llm.LlmAnswer;
import io.assay.task.llm.LlmKind;
import io.assay.task.llm.LlmRequest;
import io.assay.task.llm.model.ChatMessage;
import io.assay.task.llm.model.ReferenceLm;
import io.assay.task.llm.model.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
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
 * LLM checks per second against teacher-forced scoring of the same answers by the same model.
 *
 * <p>What it measures: {@value #ANSWERS} chat requests drawn from the task's synthetic generator
 * (fixed seed; 2 to 10 messages, temperatures 0 to 1.2, some with top_p 0.9 or a "." stop, most
 * with a seed), with max_tokens set to 32 to 64, answered honestly by the reference backend once
 * per fork in {@link Setup}. Both benchmarks report answers per second (one op = one answer):
 *
 * <ul>
 *   <li>{@code rawScoring}: the ceiling, {@link ReferenceLm#score} of every answer token after
 *       its prompt and the tokens before it (one next-token distribution per token, the least a
 *       teacher-forced check can do);
 *   <li>{@code checks}: the reference checker ({@code LlmKind.referenceChecker}) over all
 *       answers, {@link Checker#preferredBatch()} items a call. Besides its teacher-forced pass
 *       it scores the end of each answer and regenerates answers that are reproducible (greedy or
 *       seeded) to compare them token for token, so it is expected to be below the ceiling;
 *   <li>{@code replays}: where the rest of the checker's time goes, the regeneration of the
 *       reproducible answers alone, as the checker does it. Counted per answer of the whole set
 *       like the others, so seconds per answer add up: {@code 1/checks} is about {@code
 *       1/rawScoring + 1/replays} plus the checker's own bookkeeping.
 * </ul>
 *
 * <p>Requests without a seed are answered with a seed from the benchmark's fixed random source
 * (an honest miner picks its own), so every fork checks the same answers.
 *
 * <p>The model is trained once per fork, outside the measurement. Both run on the benchmark
 * thread only (the reference model is single-threaded per call).
 *
 * <p>Run: {@code bench/run-checks.sh}, or after {@code ./mvnw -Pbench -DskipTests package -pl
 * bench -am}: {@code java -jar bench/target/benchmarks.jar LlmCheckBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 4)
public class LlmCheckBenchmark {

  static final int ANSWERS = 64;
  private static final long SEED = 20_250_917L;

  private final TaskKind kind = new LlmKind();
  private final TaskSpec spec = new TaskSpec("llm", ReferenceLm.MODEL_ID, Long.MAX_VALUE, 1);

  private List<CheckItem> items;
  /** Per answer: its prompt then its tokens, as the model reads them. */
  private int[][] contexts;
  /** Per answer: where its tokens start in {@link #contexts}. */
  private int[] promptLengths;
  /** The sampling of each reproducible answer (greedy or seeded), as the checker replays it. */
  private List<SamplingParams> replayParams;
  private List<int[]> replayPrompts;
  private Checker checker;
  private ReferenceLm lm;

  @Setup(Level.Trial)
  public void setUp() {
    lm = ReferenceLm.shared();
    items = honestAnswers();
    contexts = new int[items.size()][];
    promptLengths = new int[items.size()];
    replayParams = new ArrayList<>();
    replayPrompts = new ArrayList<>();
    long tokens = 0;
    long stopped = 0;
    for (int i = 0; i < items.size(); i++) {
      LlmRequest request = (LlmRequest) items.get(i).request();
      LlmAnswer answer = (LlmAnswer) items.get(i).answer();
      int[] prompt = lm.chatPrompt(messages(request));
      int[] ids = lm.chatTokens(answer.text());
      contexts[i] = Arrays.copyOf(prompt, prompt.length + ids.length);
      System.arraycopy(ids, 0, contexts[i], prompt.length, ids.length);
      promptLengths[i] = prompt.length;
      tokens += ids.length;
      stopped += answer.finishReason().equals("stop") ? 1 : 0;
      if (request.temperature() == 0 || request.seed() != null) {
        replayPrompts.add(prompt);
        replayParams.add(new SamplingParams(request.temperature(), request.topP(),
            request.maxTokens(), request.stop(), request.seed() != null ? request.seed() : 0L, 0));
      }
    }
    checker = kind.referenceChecker(spec).orElseThrow();
    EmbeddingsCheckBenchmark.requireAllPass(checker, items);
    System.out.printf("%n%d answers, %d tokens (%.1f an answer), %d finished by stop,"
        + " %d reproducible (greedy or seeded)%n", items.size(), tokens,
        (double) tokens / items.size(), stopped, replayParams.size());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    checker.close();
  }

  /** The ceiling: one teacher-forced score per answer token. */
  @Benchmark
  @OperationsPerInvocation(ANSWERS)
  public void rawScoring(Blackhole out) {
    for (int a = 0; a < contexts.length; a++) {
      int[] context = contexts[a];
      for (int i = promptLengths[a]; i < context.length; i++) {
        out.consume(lm.score(Arrays.copyOf(context, i), context[i], 0).logprob());
      }
    }
  }

  /** The checker on the same answers, its preferred batch a call. */
  @Benchmark
  @OperationsPerInvocation(ANSWERS)
  public void checks(Blackhole out) {
    int batch = checker.preferredBatch();
    for (int from = 0; from < items.size(); from += batch) {
      out.consume(checker.check(items.subList(from, Math.min(items.size(), from + batch))));
    }
  }

  /** The checker's regeneration of the reproducible answers, nothing else. */
  @Benchmark
  @OperationsPerInvocation(ANSWERS)
  public void replays(Blackhole out) {
    for (int i = 0; i < replayParams.size(); i++) {
      out.consume(lm.generate(replayPrompts.get(i), replayParams.get(i), null));
    }
  }

  /** Synthetic chats, non-streamed, max_tokens 32 to 64, answered by the reference backend. */
  private List<CheckItem> honestAnswers() {
    SplittableRandom random = new SplittableRandom(SEED);
    var generator = kind.bind(spec).syntheticGenerator();
    List<LlmRequest> requests = new ArrayList<>(ANSWERS);
    while (requests.size() < ANSWERS) {
      LlmRequest r = (LlmRequest) generator.next(random);
      if (!r.chat()) {
        continue;
      }
      requests.add(new LlmRequest(r.path(), r.model(), r.messages(), null, r.temperature(),
          r.topP(), 32 + random.nextInt(33), r.stop(), r.seed(), true, r.topLogprobs(), false,
          false, null));
    }
    ExecutorService workers = Executors.newFixedThreadPool(2);
    try (Backend backend = kind.referenceBackend(spec, workers).orElseThrow()) {
      List<CompletableFuture<TaskAnswer>> answers = new ArrayList<>(ANSWERS);
      for (LlmRequest r : requests) {
        answers.add(backend.serve(r.seed() != null ? r : withSeed(r, random.nextLong()))
            .toCompletableFuture());
      }
      List<CheckItem> out = new ArrayList<>(ANSWERS);
      for (int i = 0; i < ANSWERS; i++) {
        out.add(new CheckItem(requests.get(i), answers.get(i).join()));
      }
      return List.copyOf(out);
    } finally {
      workers.shutdownNow();
    }
  }

  private static LlmRequest withSeed(LlmRequest r, long seed) {
    return new LlmRequest(r.path(), r.model(), r.messages(), r.prompt(), r.temperature(), r.topP(),
        r.maxTokens(), r.stop(), seed, r.logprobs(), r.topLogprobs(), r.stream(), r.includeUsage(),
        r.user());
  }

  private static List<ChatMessage> messages(LlmRequest request) {
    List<ChatMessage> out = new ArrayList<>(request.messages().size());
    request.messages().forEach(m -> out.add(new ChatMessage(m.role(), m.content())));
    return out;
  }
}
