package io.assay.task.zk.prover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.task.zk.circuit.Circuit;
import io.assay.task.zk.circuit.Circuits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's Groth16 prover: one long-lived {@code node prover-worker.js} process fed over
 * stdin/stdout with one JSON line per request and per reply.
 *
 * <p>How it works: {@link #prove} only enqueues (a bounded queue; a full queue fails the future
 * at once with {@link ProverOverloadedException}) and never blocks. One dispatcher thread takes
 * a request, (re)starts the worker when there is none or it died, writes the request and waits
 * for its reply up to the circuit's timeout: the worker proves one at a time anyway, so this
 * keeps at most one request in flight and makes a timeout or a crash cost exactly that request.
 * Each worker process has its own stdout reader thread, which completes the in-flight reply, and
 * a stderr thread that logs. When the process dies, the reader fails the in-flight request with
 * a {@link ProverException} naming the exit code and the next request starts a fresh process; a
 * timeout kills the process the same way.
 *
 * <p>The worker script and every circuit's wasm and zkey are extracted once from the classpath
 * to a temporary directory (deleted on {@link #close}), so this runs from a shaded jar; node
 * finds snarkjs through {@code NODE_PATH}. The model's private weights are added to each request
 * here: callers pass only the public inputs and the nonce.
 *
 * <p>Thread-safe. Futures complete on the prover's threads; callers must not block in their
 * callbacks for long. The circuit timeout counts from the moment the request reaches the worker;
 * time spent queued is bounded by the caller (e.g. {@code orTimeout}).
 */
public final class NodeProver implements AutoCloseable {

  /**
   * @param queueCapacity requests waiting for the worker beyond the one being proved
   */
  public record Options(int queueCapacity) {

    public static final int DEFAULT_QUEUE_CAPACITY = 32;

    public Options {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_QUEUE_CAPACITY);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(NodeProver.class);
  private static final String WORKER_RESOURCE = "io/assay/task/zk/prover/prover-worker.js";

  private final NodeAvailability node;
  private final Path dir;
  private final BlockingQueue<Job> queue;
  private final Thread dispatcher;
  private final AtomicLong ids = new AtomicLong();
  private volatile boolean closed;
  private volatile Worker worker; // written by the dispatcher only

  private NodeProver(NodeAvailability node, Path dir, Options options) {
    this.node = node;
    this.dir = dir;
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.dispatcher = new Thread(this::dispatch, "assay-zk-prover");
    this.dispatcher.setDaemon(true);
  }

  /** Whether this machine can prove: see {@link NodeAvailability#detect()}. */
  public static NodeAvailability availability() {
    return NodeAvailability.detect();
  }

  /** Starts a prover for the built-in circuits with default options, detecting Node. */
  public static NodeProver start(Circuits circuits) {
    return start(NodeAvailability.detect(), circuits, Options.defaults());
  }

  /**
   * Extracts the worker and the circuits' artefacts and starts the worker process.
   *
   * @throws ProverException when {@code node} is not ready (with its reason), the artefacts
   *     cannot be extracted or the process does not start
   */
  public static NodeProver start(NodeAvailability node, Circuits circuits, Options options) {
    if (!node.ready()) {
      throw new ProverException("zk prover unavailable: " + node.reason());
    }
    Path dir;
    try {
      dir = extract(circuits);
    } catch (IOException | UncheckedIOException e) {
      throw new ProverException("could not extract the zk prover's files: " + e.getMessage(), e);
    }
    NodeProver prover = new NodeProver(node, dir, options);
    try {
      prover.worker = prover.launch();
    } catch (ProverException e) {
      deleteTree(dir);
      throw e;
    }
    prover.dispatcher.start();
    return prover;
  }

  /**
   * Proves {@code circuit} on the user's input, validated and mapped by the circuit.
   *
   * @return a future failed with {@link io.assay.task.InvalidRequestException} for a bad input,
   *     {@link ProverOverloadedException} when the queue is full, {@link ProverException} for
   *     any other failure
   */
  public CompletableFuture<ProofResult> prove(Circuit circuit, JsonNode userInput, BigInteger nonce) {
    List<BigInteger> signals;
    try {
      signals = circuit.inputMapping().toSignals(userInput);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return prove(circuit, signals, nonce);
  }

  /**
   * Proves {@code circuit} on public input signals (field elements, layout order) and a nonce.
   * The model's private inputs are added here. Never blocks.
   *
   * @return a future failed with {@link IllegalArgumentException} for values that are not field
   *     elements or a wrong count, {@link ProverOverloadedException} when the queue is full,
   *     {@link ProverException} when the worker reports an error, times out or dies
   */
  public CompletableFuture<ProofResult> prove(
      Circuit circuit, List<BigInteger> inputSignals, BigInteger nonce) {
    ObjectNode input;
    try {
      input = circuit.inputMapping().proverInput(inputSignals, nonce);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return submit(circuit, input);
  }

  CompletableFuture<ProofResult> submit(Circuit circuit, JsonNode fullInput) {
    if (closed) {
      return CompletableFuture.failedFuture(new ProverException("zk prover is closed"));
    }
    Job job = new Job(ids.incrementAndGet(), circuit, fullInput, new CompletableFuture<>());
    if (!queue.offer(job)) {
      return CompletableFuture.failedFuture(new ProverOverloadedException(
          "zk prover is full: " + queue.size() + " proofs waiting"));
    }
    if (closed && queue.remove(job)) {
      job.result.completeExceptionally(new ProverException("zk prover is closed"));
    }
    return job.result;
  }

  /** The current worker's process id, if one is running; for tests and diagnostics. */
  OptionalLong workerPid() {
    Worker w = worker;
    return w != null && w.process.isAlive() ? OptionalLong.of(w.process.pid()) : OptionalLong.empty();
  }

  /** Id of the request written to the worker and not yet answered, or 0. */
  long inFlightId() {
    Worker w = worker;
    return w == null ? 0 : w.inFlightId;
  }

  /**
   * Stops accepting requests, fails the queued ones, closes the worker's stdin (it exits after
   * the request in flight) and kills it if it has not exited within a few seconds. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    dispatcher.interrupt();
    for (Job job; (job = queue.poll()) != null; ) {
      job.result.completeExceptionally(new ProverException("zk prover is closed"));
    }
    try {
      dispatcher.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Worker w = worker;
    if (w != null) {
      w.shutdown(Duration.ofSeconds(3));
    }
    deleteTree(dir);
  }

  // ---- dispatcher -------------------------------------------------------------------------------

  private void dispatch() {
    while (!closed) {
      Job job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (!job.result.isDone() && !run(job)) {
        return;
      }
    }
  }

  /** Proves one job; false when interrupted by {@link #close}. */
  private boolean run(Job job) {
    Worker w = worker;
    try {
      if (w == null || w.dead) {
        if (w != null) {
          w.destroy();
        }
        w = launch();
        worker = w;
      }
    } catch (ProverException e) {
      job.result.completeExceptionally(e);
      return true;
    }
    CompletableFuture<JsonNode> reply = w.send(job.id, job.circuit.name(), job.input);
    Duration timeout = job.circuit.timeout();
    try {
      job.result.complete(toResult(job, reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS)));
    } catch (ExecutionException e) {
      job.result.completeExceptionally(e.getCause());
    } catch (TimeoutException e) {
      log.warn("zk prover: proof {} on {} took longer than {} ms; restarting the worker",
          job.id, job.circuit.name(), timeout.toMillis());
      w.destroy();
      job.result.completeExceptionally(new ProverException("proof on " + job.circuit.name()
          + " took longer than its " + timeout.toMillis() + " ms timeout"));
    } catch (InterruptedException e) {
      job.result.completeExceptionally(new ProverException("zk prover is closed"));
      return false;
    } catch (RuntimeException e) {
      job.result.completeExceptionally(e);
    }
    return true;
  }

  private static ProofResult toResult(Job job, JsonNode reply) {
    JsonNode proof = reply.get("proof");
    JsonNode signals = reply.get("publicSignals");
    if (proof == null || !proof.isObject() || signals == null || !signals.isArray()) {
      throw new ProverException("prover worker sent a malformed reply for " + job.circuit.name());
    }
    List<BigInteger> values = Stream.iterate(0, i -> i < signals.size(), i -> i + 1)
        .map(i -> new BigInteger(signals.get(i).asText()))
        .toList();
    return new ProofResult(proof, values, Duration.ofMillis(reply.path("millis").asLong()));
  }

  private Worker launch() {
    ProcessBuilder pb = new ProcessBuilder(node.node().toString(),
        dir.resolve("prover-worker.js").toString(), dir.resolve("circuits").toString())
        .directory(dir.toFile());
    pb.environment().put("NODE_PATH", node.nodeModules().toString());
    try {
      Worker w = new Worker(pb.start());
      log.info("zk prover: started worker pid {} ({})", w.process.pid(), node.node());
      return w;
    } catch (IOException e) {
      throw new ProverException("could not start the zk prover worker with " + node.node()
          + ": " + e.getMessage(), e);
    }
  }

  // ---- files ------------------------------------------------------------------------------------

  private static Path extract(Circuits circuits) throws IOException {
    Path dir = Files.createTempDirectory("assay-zk-prover-");
    ClassLoader loader = NodeProver.class.getClassLoader();
    copy(loader, WORKER_RESOURCE, dir.resolve("prover-worker.js"));
    for (Circuit c : circuits.all()) {
      Path cd = Files.createDirectories(dir.resolve("circuits").resolve(c.name()));
      copy(loader, c.wasmResource(), cd.resolve("circuit.wasm"));
      copy(loader, c.zkeyResource(), cd.resolve("circuit_final.zkey"));
    }
    return dir;
  }

  private static void copy(ClassLoader loader, String resource, Path target) throws IOException {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource " + resource + " not found on the classpath");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.debug("zk prover: could not delete {}: {}", dir, e.toString());
    }
  }

  private record Job(long id, Circuit circuit, JsonNode input, CompletableFuture<ProofResult> result) {}
}
