package io.assay.task.embeddings;

import io.assay.task.Backend;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves embeddings from the shared {@link MiniLmEngine}, batching the inputs of concurrent
 * requests into few ONNX calls.
 *
 * <p>How it works: {@link #serve} only reserves queue room and hands the request to the worker
 * executor; there it is tokenised and its sequences join one queue. At most one drain task per
 * backend is scheduled at a time: it takes up to {@value MiniLmEngine#MAX_BATCH} queued sequences
 * (whatever is there, without waiting for more), runs them, completes the requests whose last
 * sequence it ran, and reschedules itself while the queue is not empty. So an idle backend answers
 * a lone request at once, and under load requests arriving during a run share the next one.
 * ONNX Runtime spreads each run over the cores itself, which is why one run at a time is enough.
 *
 * <p>The queue is bounded ({@value #MAX_QUEUED_SEQUENCES} sequences); beyond it, and after
 * {@link #close}, requests fail at once with {@link TaskException}. Thread-safe.
 */
final class MiniLmBackend implements Backend {

  static final int MAX_QUEUED_SEQUENCES = 16_384;

  private static final Logger log = LoggerFactory.getLogger(MiniLmBackend.class);

  private final TaskSpec spec;
  private final Executor workers;
  private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
  /** Sequences reserved by serve and not yet taken by a drain. */
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicLong onnxCalls = new AtomicLong();
  private volatile boolean closed;

  MiniLmBackend(TaskSpec spec, Executor workers) {
    this.spec = spec;
    this.workers = workers;
    // Load the model now, off the caller's thread, so the first request does not pay for it.
    execute(() -> {
      try {
        MiniLmEngine.shared();
      } catch (TaskException e) {
        log.warn("{}: the reference engine failed to load; requests will fail: {}",
            spec.id(), e.getMessage());
      }
    });
  }

  /**
   * Embeds the request's inputs. Never blocks: tokenising and inference run on the worker
   * executor, which also completes the returned stage.
   */
  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!(request instanceof EmbeddingsRequest r)) {
      return CompletableFuture.failedFuture(new TaskException(spec.id() + " cannot serve a "
          + (request == null ? "null request" : request.getClass().getSimpleName())));
    }
    if (!spec.model().equals(r.model())) {
      return CompletableFuture.failedFuture(new TaskException(
          spec.id() + " cannot serve model " + r.model()));
    }
    if (closed) {
      return CompletableFuture.failedFuture(new TaskException(spec.id() + " backend is closed"));
    }
    int n = r.input().size();
    if (pending.addAndGet(n) > MAX_QUEUED_SEQUENCES) {
      pending.addAndGet(-n);
      return CompletableFuture.failedFuture(new TaskException(spec.id()
          + " reference engine is overloaded: more than " + MAX_QUEUED_SEQUENCES
          + " inputs are waiting"));
    }
    CompletableFuture<TaskAnswer> result = new CompletableFuture<>();
    if (!execute(() -> admit(r, result))) {
      pending.addAndGet(-n);
      result.completeExceptionally(new TaskException(
          spec.id() + " worker executor refused the request"));
    }
    return result;
  }

  /** Stops taking requests and fails those still queued; runs in progress finish. */
  @Override
  public void close() {
    closed = true;
    failQueued(new TaskException(spec.id() + " backend closed before the request was served"));
  }

  /** ONNX calls made so far; for tests. */
  long onnxCalls() {
    return onnxCalls.get();
  }

  private void admit(EmbeddingsRequest request, CompletableFuture<TaskAnswer> result) {
    List<String> input = request.input();
    Job job;
    try {
      MiniLmEngine engine = MiniLmEngine.shared();
      List<MiniLmEngine.Sequence> sequences = new ArrayList<>(input.size());
      int tokens = 0;
      for (String text : input) {
        MiniLmEngine.Sequence s = engine.encode(text);
        sequences.add(s);
        tokens += s.textTokens();
      }
      job = new Job(sequences, tokens, result);
    } catch (RuntimeException e) {
      pending.addAndGet(-input.size());
      result.completeExceptionally(e);
      return;
    }
    for (int i = 0; i < input.size(); i++) {
      queue.add(new Item(job, i));
    }
    if (closed) {
      failQueued(new TaskException(spec.id() + " backend closed before the request was served"));
      return;
    }
    if (draining.compareAndSet(false, true) && !execute(this::drain)) {
      draining.set(false);
      failQueued(new TaskException(spec.id() + " worker executor refused the batch"));
    }
  }

  /** Runs one batch, then hands over to a fresh task if more is queued. Owns {@code draining}. */
  private void drain() {
    try {
      List<Item> batch = new ArrayList<>(MiniLmEngine.MAX_BATCH);
      Item item;
      while (batch.size() < MiniLmEngine.MAX_BATCH && (item = queue.poll()) != null) {
        pending.decrementAndGet();
        if (!item.job.result.isDone()) {
          batch.add(item);
        }
      }
      if (!batch.isEmpty()) {
        run(batch);
      }
    } finally {
      draining.set(false);
      // A request may have queued after the last poll but before the flag was cleared.
      if (!queue.isEmpty() && draining.compareAndSet(false, true) && !execute(this::drain)) {
        draining.set(false);
        failQueued(new TaskException(spec.id() + " worker executor refused the batch"));
      }
    }
  }

  private void run(List<Item> items) {
    try {
      MiniLmEngine engine = MiniLmEngine.shared();
      List<List<Integer>> calls =
          MiniLmEngine.plan(items.size(), i -> items.get(i).sequence().length());
      for (List<Integer> call : calls) {
        List<MiniLmEngine.Sequence> sequences = new ArrayList<>(call.size());
        for (int i : call) {
          sequences.add(items.get(i).sequence());
        }
        float[][] vectors = engine.run(sequences);
        onnxCalls.incrementAndGet();
        for (int j = 0; j < vectors.length; j++) {
          items.get(call.get(j)).complete(vectors[j]);
        }
      }
    } catch (RuntimeException e) {
      TaskException failure = e instanceof TaskException te ? te
          : new TaskException(spec.id() + " reference engine failed: " + e, e);
      for (Item item : items) {
        item.job.result.completeExceptionally(failure);
      }
    }
  }

  private void failQueued(TaskException failure) {
    Item item;
    while ((item = queue.poll()) != null) {
      pending.decrementAndGet();
      item.job.result.completeExceptionally(failure);
    }
  }

  private boolean execute(Runnable task) {
    try {
      workers.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /** One request in flight: its sequences, and its vectors as they arrive from batches. */
  private static final class Job {
    final List<MiniLmEngine.Sequence> sequences;
    final int promptTokens;
    final CompletableFuture<TaskAnswer> result;
    final float[][] vectors;
    final AtomicInteger remaining;

    Job(List<MiniLmEngine.Sequence> sequences, int promptTokens,
        CompletableFuture<TaskAnswer> result) {
      this.sequences = sequences;
      this.promptTokens = promptTokens;
      this.result = result;
      this.vectors = new float[sequences.size()][];
      this.remaining = new AtomicInteger(sequences.size());
    }
  }

  private record Item(Job job, int index) {
    MiniLmEngine.Sequence sequence() {
      return job.sequences.get(index);
    }

    void complete(float[] vector) {
      job.vectors[index] = vector;
      // The atomic decrement publishes every writer's vector to whoever completes the job.
      if (job.remaining.decrementAndGet() == 0) {
        job.result.complete(new EmbeddingsAnswer(Arrays.asList(job.vectors), job.promptTokens));
      }
    }
  }
}
