package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Answers {@code slowdown} times as late as the honest backend.
 *
 * <p>Every event of a request (each streamed chunk, then the completion or failure) that the
 * honest backend produced {@code t} after the request started is passed on at {@code slowdown *
 * t}, waited out on the timer rather than on any thread. Events pass through one chain per
 * request, so chunks keep their order and reach the sink one at a time, and the completion
 * follows the last chunk. Chunks and completions are delivered on the timer's thread.
 */
final class SlowBackend extends ForwardingBackend {

  private final ScheduledExecutorService timer;
  private final int slowdown;

  SlowBackend(Backend honest, ScheduledExecutorService timer, int slowdown) {
    super(honest);
    this.timer = timer;
    this.slowdown = slowdown;
  }

  @Override
  public CompletionStage<TaskAnswer> serve(TaskRequest request) {
    Pacer pacer = new Pacer(System.nanoTime());
    return pacer.finish(super.serve(request));
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    Pacer pacer = new Pacer(System.nanoTime());
    ChunkSink delayed = new ChunkSink() {
      @Override
      public void chunk(byte[] json) {
        pacer.then(() -> sink.chunk(json));
      }

      @Override
      public void keepAlive() {
        pacer.then(sink::keepAlive);
      }

      @Override
      public boolean open() {
        return sink.open();
      }
    };
    return pacer.finish(Stages.call(() -> honest.stream(request, delayed)));
  }

  /** The events of one request, each delayed to {@code slowdown} times its honest time. */
  private final class Pacer {
    private final long start;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    Pacer(long start) {
      this.start = start;
    }

    /** Runs {@code event} after the events before it, at the slowed-down time of now. */
    synchronized void then(Runnable event) {
      long due = dueNow();
      tail = tail.thenCompose(v -> at(due)).thenRun(event);
    }

    CompletableFuture<TaskAnswer> finish(CompletionStage<TaskAnswer> honestAnswer) {
      CompletableFuture<TaskAnswer> out = new CompletableFuture<>();
      honestAnswer.whenComplete((answer, failure) -> {
        long due = dueNow();
        CompletableFuture<Void> last;
        synchronized (this) {
          last = tail.thenCompose(v -> at(due));
        }
        last.whenComplete((v, chunkFailure) -> {
          Throwable error = failure != null ? failure : chunkFailure;
          if (error != null) {
            out.completeExceptionally(Stages.unwrap(error));
          } else {
            out.complete(answer);
          }
        });
      });
      return out;
    }

    private long dueNow() {
      return start + slowdown * (System.nanoTime() - start);
    }

    private CompletableFuture<Void> at(long dueNanos) {
      return Waits.until(timer, dueNanos, "a slow answer's delay");
    }
  }
}
