package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Gives a simulated miner the speed of its {@link Machine} under a {@link ServiceModel}, whatever
 * the real backend's speed on the shared host. The outermost decorator of a simulated miner's
 * backend:
 *
 * <ul>
 *   <li>a request takes a slot of its task on the machine, or is refused at once as busy (a
 *       {@link TaskException} whose {@link TaskException#busy() busy()} is true, which the miner
 *       answers with 429);
 *   <li>the inner backend (the behaviour over the honest one) runs at once, and its answer is
 *       passed on no earlier than {@code seconds(units)} after the request started, {@code
 *       units} being the work of the actual answer ({@link Task#units});
 *   <li>a stream's chunks are passed on no faster than the model allows: chunk {@code i} (from
 *       0) no earlier than {@code baseSeconds + i * secondsPerUnit} after the start (the
 *       reference llm streams a token per chunk), each in order, keep-alives in order with them;
 *       the stream completes after its last chunk and no earlier than {@code seconds(units)};
 *   <li>a failure is passed on as it comes (after the chunks already sent): a failed request
 *       has no work to time;
 *   <li>the slot is returned when the request completes or fails, before the result is passed
 *       on, so the miner's own concurrency count never frees up before the machine's.
 * </ul>
 *
 * <p>Delays are waited out on the timer, never on a thread; chunks and completions are passed
 * on from the timer's threads. Thread-safe. Closing it closes the inner backend, not the timer.
 */
final class ServiceTimeBackend extends ForwardingBackend {

  private static final Supplier<CompletableFuture<Void>> NOTHING_SENT =
      () -> CompletableFuture.completedFuture(null);

  private final Task task;
  private final Machine machine;
  private final String taskId;
  private final ServiceModel.Times times;
  private final ScheduledExecutorService timer;

  /**
   * @param inner the behaviour's backend
   * @param task counts the work of answers
   * @param machine whose slots of {@code task} requests take
   * @param times the service times of {@code task}'s kind on this miner's model
   * @param timer waits out the delays; owned by the caller
   */
  ServiceTimeBackend(Backend inner, Task task, Machine machine, ServiceModel.Times times,
      ScheduledExecutorService timer) {
    super(inner);
    this.task = task;
    this.machine = machine;
    this.taskId = task.spec().id();
    this.times = times;
    this.timer = timer;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    if (!machine.tryAcquire(taskId)) {
      return CompletableFuture.failedFuture(busy());
    }
    Slot slot = new Slot();
    long start = System.nanoTime();
    return slot.finish(request, start, super.serve(request), NOTHING_SENT);
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    if (!machine.tryAcquire(taskId)) {
      return CompletableFuture.failedFuture(busy());
    }
    Slot slot = new Slot();
    long start = System.nanoTime();
    Pacer pacer = new Pacer(start, sink);
    return slot.finish(request, start, super.stream(request, pacer), pacer::tail);
  }

  private TaskException busy() {
    return new MachineBusyException(machine.name() + " has no free slot for " + taskId);
  }

  /** One request's slot: returned once, when the request completes or fails. */
  private final class Slot {
    private final AtomicBoolean released = new AtomicBoolean();

    /**
     * The answer, passed on once the chunks sent before it are passed on ({@code chunksSent}, as
     * of its completion) and no earlier than the model's time for its work; a failure is passed
     * on as soon as those chunks are.
     */
    CompletableFuture<TaskAnswer> finish(TaskRequest request, long start,
        CompletionStage<TaskAnswer> answer, Supplier<CompletableFuture<Void>> chunksSent) {
      CompletableFuture<TaskAnswer> out = new CompletableFuture<>();
      answer.whenComplete((result, failure) -> {
        CompletableFuture<Void> sent = chunksSent.get();
        if (failure != null) {
          sent.whenComplete((v, ignored) -> fail(out, Stages.unwrap(failure)));
          return;
        }
        long due;
        try {
          due = start + nanos(times.seconds(task.units(request, result)));
        } catch (RuntimeException e) {
          sent.whenComplete((v, ignored) -> fail(out, e));
          return;
        }
        sent.thenCompose(v -> at(due)).whenComplete((v, late) -> {
          if (late != null) {
            fail(out, Stages.unwrap(late));
          } else {
            release();
            out.complete(result);
          }
        });
      });
      return out;
    }

    private void fail(CompletableFuture<TaskAnswer> out, Throwable error) {
      release();
      out.completeExceptionally(error);
    }

    private void release() {
      if (released.compareAndSet(false, true)) {
        machine.release(taskId);
      }
    }
  }

  /**
   * Passes a stream's chunks on at the model's pace, one after another: chunk {@code i} no
   * earlier than {@code baseSeconds + i * secondsPerUnit} after the start.
   */
  private final class Pacer implements ChunkSink {
    private final long start;
    private final ChunkSink sink;
    private long chunks;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    Pacer(long start, ChunkSink sink) {
      this.start = start;
      this.sink = sink;
    }

    @Override
    public synchronized void chunk(byte[] json) {
      long due = start + nanos(times.baseSeconds() + chunks * times.secondsPerUnit());
      chunks++;
      tail = tail.thenCompose(v -> at(due)).thenRun(() -> sink.chunk(json));
    }

    /** Keep-alives carry no work: passed on right after the chunks before them. */
    @Override
    public synchronized void keepAlive() {
      tail = tail.thenRun(sink::keepAlive);
    }

    @Override
    public boolean open() {
      return sink.open();
    }

    synchronized CompletableFuture<Void> tail() {
      return tail;
    }
  }

  private CompletableFuture<Void> at(long dueNanos) {
    return Waits.until(timer, dueNanos, "a service time");
  }

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }

  /** The machine is full: a momentary refusal, answered with 429 like a full ledger. */
  static final class MachineBusyException extends TaskException {
    MachineBusyException(String message) {
      super(message);
    }

    @Override
    public boolean busy() {
      return true;
    }
  }
}
