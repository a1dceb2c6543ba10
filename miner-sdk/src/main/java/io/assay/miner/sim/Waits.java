package io.assay.miner.sim;

import io.assay.task.TaskException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Waiting out a simulated delay on a timer, never on a thread. */
final class Waits {

  private Waits() {}

  /**
   * Completes at {@code dueNanos} on the {@link System#nanoTime()} clock (at once if that has
   * passed), or fails with a {@link TaskException} naming what could not be waited out when the
   * timer is shut down.
   */
  static CompletableFuture<Void> until(ScheduledExecutorService timer, long dueNanos,
      String what) {
    long wait = dueNanos - System.nanoTime();
    if (wait <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> fired = new CompletableFuture<>();
    try {
      timer.schedule(() -> fired.complete(null), wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      fired.completeExceptionally(
          new TaskException("cannot wait out " + what + ": the timer is shut down", e));
    }
    return fired;
  }
}
