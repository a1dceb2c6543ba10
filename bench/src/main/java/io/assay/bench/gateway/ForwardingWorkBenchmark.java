package io.assay.bench.gateway;

import io.assay.protocol.Identity;
import io.assay.protocol.RequestAuthenticator;
import io.assay.protocol.Session;
import io.assay.protocol.SessionInitiator;
import io.assay.protocol.SessionResponder;
import io.assay.protocol.SignedRequest;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's own work per forwarded chat completion, piece by piece, on one thread and with
 * no I/O: what {@code run.sh}'s CPU-per-request figure is made of apart from HTTP, Redis and
 * the event loop. Inputs are the forwarding benchmark's fixtures ({@code
 * bench/gateway/fixtures}): the 305-byte request, and the 3 KB answer with log-probabilities as
 * a miner sends it on (its protocol body).
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar ForwardingWorkBenchmark   # from the repository root
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ForwardingWorkBenchmark {

  private TaskKind llm;
  private Task task;
  private byte[] requestBody;
  private byte[] answerBody;
  private TaskRequest request;
  private byte[] minerBody;
  private TaskAnswer answer;
  private Session session;
  private SignedRequest signed;
  private String receipt;

  @Setup
  public void setUp() throws Exception {
    Path fixtures = Path.of(System.getProperty("assay.fixtures", "bench/gateway/fixtures"));
    requestBody = Files.readAllBytes(fixtures.resolve("chat-request.json"));
    llm = TaskKinds.discover().byName("llm").orElseThrow();
    request = llm.parseRequest("/v1/chat/completions", requestBody);
    task = llm.bind(new TaskSpec("llm", request.model(), 1_000_000, 1));
    minerBody = task.minerRequestBody(request);
    // The fixture is the upstream's answer; a miner sends the gateway its own body of it.
    answer = task.readAnswer(request, Files.readAllBytes(fixtures.resolve("chat-answer.json")));
    answerBody = answer.toMinerBody();

    Clock clock = Clock.systemUTC();
    Identity validator = Identity.generate();
    Identity miner = Identity.generate();
    var handshake = new SessionInitiator(validator, clock).start(miner.hotkey());
    var responder = new SessionResponder(miner, v -> true, clock, Duration.ofHours(1),
        Duration.ofMinutes(1), 16);
    session = handshake.complete(responder.accept(handshake.hello()));
    signed = session.sign("POST", "/v1/chat/completions", minerBody);
    receipt = new RequestAuthenticator(responder, clock, Duration.ofMinutes(1), 16)
        .verify("POST", "/v1/chat/completions", signed.headers()::get, minerBody)
        .receipt(answerBody);
  }

  @Benchmark
  public TaskRequest parseUserRequest() {
    return llm.parseRequest("/v1/chat/completions", requestBody);
  }

  @Benchmark
  public byte[] writeMinerRequest() {
    return task.minerRequestBody(request);
  }

  @Benchmark
  public SignedRequest signMinerRequest() {
    return session.sign("POST", "/v1/chat/completions", minerBody);
  }

  @Benchmark
  public boolean checkReceipt() {
    return signed.receiptMatches(receipt, answerBody);
  }

  @Benchmark
  public TaskAnswer readMinerAnswer() {
    return task.readAnswer(request, answerBody);
  }

  @Benchmark
  public byte[] writeUserAnswer() {
    return task.publicResponseBody(request, answer);
  }

  @Benchmark
  public Object allOfThem() {
    TaskRequest r = llm.parseRequest("/v1/chat/completions", requestBody);
    byte[] body = task.minerRequestBody(r);
    SignedRequest s = session.sign("POST", "/v1/chat/completions", body);
    boolean ok = signed.receiptMatches(receipt, answerBody);
    TaskAnswer a = task.readAnswer(r, answerBody);
    return ok ? task.publicResponseBody(r, a) : s;
  }
}
