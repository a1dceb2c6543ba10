package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskException;
import io.assay.task.TaskRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stalls streams: passes the honest stream's first chunk, drops the rest, and from then on sends
 * only keep-alives ({@link ChunkSink#keepAlive}), one every {@value #KEEP_ALIVE_MILLIS} ms, so
 * the connection stays open and no work arrives. The answer never completes: once the receiver
 * is gone ({@link ChunkSink#open} false) or after {@value #MAX_STALL_MINUTES} minutes the stage
 * fails, which frees what the request held (its slot on the machine, its share of the ledger).
 *
 * <p>A stream that fails before its first chunk fails as it is; one that completes without
 * sending any chunk fails, having nothing to stall on. Requests that do not stream are served
 * honestly. Keep-alives are sent from the timer's thread, after the first chunk, so calls to
 * the sink never overlap.
 */
final class StallerBackend extends ForwardingBackend {

  static final long KEEP_ALIVE_MILLIS = SimulatedBackends.STALL_KEEP_ALIVE_MILLIS;
  static final long MAX_STALL_MINUTES = SimulatedBackends.MAX_STALL_MINUTES;

  private final ScheduledExecutorService timer;

  StallerBackend(Backend honest, ScheduledExecutorService timer) {
    super(honest);
    this.timer = timer;
  }

  @Override
  public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
    CompletableFuture<TaskAnswer> out = new CompletableFuture<>();
    AtomicBoolean stalling = new AtomicBoolean();
    ChunkSink firstOnly = new ChunkSink() {
      @Override
      public void chunk(byte[] json) {
        if (stalling.compareAndSet(false, true)) {
          sink.chunk(json);
          long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(MAX_STALL_MINUTES);
          next(sink, out, deadline);
        }
      }

      @Override
      public boolean open() {
        return sink.open();
      }
    };
    Stages.call(() -> honest.stream(request, firstOnly)).whenComplete((answer, failure) -> {
      // The honest stream's chunks all came before its completion, so stalling is settled.
      if (stalling.get()) {
        return;
      }
      out.completeExceptionally(failure != null ? Stages.unwrap(failure)
          : new TaskException("staller: the honest stream sent no chunk to stall on"));
    });
    return out;
  }

  /** Sends a keep-alive in {@value #KEEP_ALIVE_MILLIS} ms, and so on, until it stops. */
  private void next(ChunkSink sink, CompletableFuture<TaskAnswer> out, long deadline) {
    try {
      timer.schedule(() -> tick(sink, out, deadline), KEEP_ALIVE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      out.completeExceptionally(new TaskException("staller: the timer is shut down", e));
    }
  }

  private void tick(ChunkSink sink, CompletableFuture<TaskAnswer> out, long deadline) {
    if (out.isDone()) {
      return;
    }
    if (!sink.open()) {
      out.completeExceptionally(new TaskException("staller: the receiver is gone"));
      return;
    }
    if (System.nanoTime() - deadline >= 0) {
      out.completeExceptionally(new TaskException("staller: gave up after stalling "
          + MAX_STALL_MINUTES + " minutes"));
      return;
    }
    try {
      sink.keepAlive();
    } catch (RuntimeException e) {
      out.completeExceptionally(e);
      return;
    }
    next(sink, out, deadline);
  }
}
