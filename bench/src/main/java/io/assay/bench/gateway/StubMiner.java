package io.assay.bench.gateway;

import io.assay.miner.Miner;
import io.assay.miner.TaskOffer;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * A miner for measuring the gateway alone: it speaks the whole Assay protocol through the miner
 * SDK (sessions, request MACs, receipts, capacity declarations and limits), but its llm backend
 * answers every request with one answer held in memory, so no model and no upstream server sits
 * behind it. What the gateway costs per request is then the gateway's and the SDK's work only.
 *
 * <p>The answer is read once at start, through the llm kind's own answer reader, from the
 * fixture answer the mock upstream serves ({@code bench/gateway/fixtures/chat-answer.json}) and
 * the fixture request it answers: the gateway gets the same bytes, log-probabilities included, as
 * through a reference miner forwarding to the mock. Streamed requests are refused (the
 * non-streamed benchmark never sends one).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.assay.bench.gateway.StubMiner \
 *     --identity stub.key --port 18406 --validator HOTKEY \
 *     --request chat-request.json --answer chat-answer.json \
 *     [--capacity UNITS] [--concurrency N] [--period-seconds S]
 * </pre>
 */
public final class StubMiner {

  private StubMiner() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    Path identityFile = Path.of(required(o, "--identity"));
    int port = Integer.parseInt(required(o, "--port"));
    Hotkey validator = Hotkey.parse(required(o, "--validator"));
    byte[] request = Files.readAllBytes(Path.of(required(o, "--request")));
    byte[] answer = Files.readAllBytes(Path.of(required(o, "--answer")));
    long capacity = Long.parseLong(o.getOrDefault("--capacity", "10000000000"));
    int concurrency = Integer.parseInt(o.getOrDefault("--concurrency", "256"));
    Duration period = Duration.ofSeconds(Long.parseLong(o.getOrDefault("--period-seconds",
        "3600")));

    TaskKind llm = TaskKinds.discover().byName("llm")
        .orElseThrow(() -> new IllegalStateException("the llm task kind is not on the class path"));
    TaskRequest parsed = llm.parseRequest("/v1/chat/completions", request);
    TaskSpec spec = new TaskSpec("llm", parsed.model(), capacity, 1);
    // Parsed and checked once, as the reference miner's upstream backend reads an answer.
    TaskAnswer fixed = llm.bind(spec).readAnswer(parsed, answer);

    Miner miner = Miner.builder()
        .name("stub-miner")
        .identity(Identity.loadOrCreate(identityFile))
        .acceptValidators(validator::equals)
        .offer(new TaskOffer(llm, spec, new FixedAnswer(fixed), capacity, concurrency))
        .port(port)
        .periodLength(period)
        .build();
    miner.start().toCompletableFuture().join();
    System.out.println("stub miner " + miner.hotkey() + " listening on port " + miner.port());

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      miner.close();
      stopped.countDown();
    }, "stub-miner-shutdown"));
    stopped.await();
  }

  /** Answers every request with the same answer, at once, on the calling thread. */
  private record FixedAnswer(TaskAnswer answer) implements Backend {
    @Override
    public CompletionStage<TaskAnswer> serve(TaskRequest request) {
      return CompletableFuture.completedFuture(answer);
    }
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      out.put(args[i], args[i + 1]);
    }
    return out;
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }
}
