package io.assay.checking;

import io.assay.checking.CheckingMetrics.Outcome;
import io.assay.task.Checker;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Checker.CheckResult;
import io.assay.task.InvalidAnswerException;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks queue entries of one task on the worker pool and writes what became of each.
 *
 * <p>Every entry read from the queue holds one permit of the in-flight semaphore until its fate
 * is written (or it is left pending), so the reader cannot run ahead of the checkers. For each
 * entry: the kind parses the request, the task parses the answer (an answer that does not parse
 * scores 0), and the task's checker checks the parsed pairs in batches of its preferred size.
 *
 * <p>Checkers and task parsing are plug-in code: whatever they throw is logged and counted, and
 * the entries concerned are left pending, so another delivery (a claim after the claim timeout)
 * retries them until they go to the dead letters. Redis failures are handled the same way.
 */
final class CheckRunner {

  private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);

  private final TaskCheckers checkers;
  private final ResultStore store;
  private final CheckingMetrics metrics;
  private final Semaphore inFlight;
  private final Executor workers;
  private final Clock clock;
  private final String consumer;

  CheckRunner(TaskCheckers checkers, ResultStore store, CheckingMetrics metrics,
      Semaphore inFlight, Executor workers, Clock clock, String consumer) {
    this.checkers = checkers;
    this.store = store;
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.workers = workers;
    this.clock = clock;
    this.consumer = consumer;
  }

  /** Hands entries of one task to a worker; they hold one permit each. */
  void submit(String taskId, List<QueueEntry> entries) {
    try {
      workers.execute(() -> checkTask(taskId, entries));
    } catch (RejectedExecutionException e) {
      inFlight.release(entries.size()); // stopping: the entries stay pending
    }
  }

  /** Gives an entry up: copies it to the dead letters and acknowledges it. Releases its permit. */
  void deadLetter(String id, Map<String, String> fields, String label, String reason,
      long deliveries) {
    giveUp(id, fields, label, reason, deliveries).whenComplete((ok, error) -> inFlight.release());
  }

  /** Gives an entry up that holds no permit; the stage completes when Redis has it. */
  CompletionStage<Void> giveUp(String id, Map<String, String> fields, String label,
      String reason, long deliveries) {
    log.warn("queue entry {} given up after {} deliveries: {}", id, deliveries, reason);
    return store.deadLetter(id, fields, reason, deliveries, consumer, clock.millis()).whenComplete((ok, error) -> {
      if (error == null) {
        metrics.deadLetter(label);
      } else {
        log.warn("queue entry {} not moved to the dead letters, left pending: {}", id,
            error.toString());
      }
    });
  }

  private void checkTask(String taskId, List<QueueEntry> entries) {
    Optional<TaskCheckers.Resolved> resolved;
    try {
      resolved = checkers.resolve(taskId);
    } catch (RuntimeException e) {
      log.error("cannot load the checker for {}; {} entries left for a retry", taskId,
          entries.size(), e);
      metrics.checkerFailure(taskId, entries.size());
      inFlight.release(entries.size());
      return;
    }
    if (resolved.isEmpty()) {
      for (QueueEntry entry : entries) {
        metrics.outcome(taskId, Outcome.UNKNOWN_TASK);
        deadLetter(entry.id(), entry.fields(), "unknown_task",
            "task " + taskId + " cannot be checked by this server", 1);
      }
      return;
    }
    int size = Math.max(1, resolved.get().checker().preferredBatch());
    List<List<QueueEntry>> chunks = new ArrayList<>();
    for (int i = 0; i < entries.size(); i += size) {
      chunks.add(entries.subList(i, Math.min(entries.size(), i + size)));
    }
    for (int i = 1; i < chunks.size(); i++) {
      List<QueueEntry> chunk = chunks.get(i);
      try {
        workers.execute(() -> checkChunk(resolved.get(), taskId, chunk));
      } catch (RejectedExecutionException e) {
        inFlight.release(chunk.size());
      }
    }
    checkChunk(resolved.get(), taskId, chunks.get(0));
  }

  private void checkChunk(TaskCheckers.Resolved resolved, String taskId,
      List<QueueEntry> chunk) {
    List<CompletableFuture<?>> writes = new ArrayList<>(chunk.size());
    int deadLettered = 0; // these release their own permits
    try {
      List<QueueEntry> checked = new ArrayList<>(chunk.size());
      List<CheckItem> items = new ArrayList<>(chunk.size());
      for (QueueEntry entry : chunk) {
        TaskRequest request;
        try {
          request = resolved.kind().parseRequest(entry.path(), entry.request());
        } catch (RuntimeException e) {
          deadLettered++;
          deadLetter(entry.id(), entry.fields(), "unreadable_request",
              "the request cannot be read: " + e.getMessage(), 1);
          continue;
        }
        try {
          TaskAnswer answer = resolved.task().readAnswer(request, entry.answer());
          items.add(new CheckItem(request, answer));
          checked.add(entry);
        } catch (InvalidAnswerException e) {
          writes.add(write(entry, 0.0, "invalid answer: " + e.getMessage(),
              Outcome.INVALID_ANSWER));
        } catch (RuntimeException e) {
          log.error("task {} failed to read answer {}; left for a retry", taskId,
              entry.answerId(), e);
          metrics.checkerFailure(taskId, 1);
        }
      }
      if (!items.isEmpty()) {
        List<CheckResult> results = check(resolved.checker(), taskId, items);
        for (int i = 0; i < checked.size() && results != null; i++) {
          CheckResult result = results.get(i);
          if (result == null || !Double.isFinite(result.quality())) {
            log.error("checker for {} gave answer {} the result {}; left for a retry", taskId,
                checked.get(i).answerId(), result);
            metrics.checkerFailure(taskId, 1);
          } else {
            writes.add(write(checked.get(i), result.quality(), result.reason(),
                Outcome.CHECKED));
          }
        }
      }
    } finally {
      int permits = chunk.size() - deadLettered;
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
          .whenComplete((ok, error) -> inFlight.release(permits));
    }
  }

  /** The checker's results, or null (counted and logged) when it failed. */
  private List<CheckResult> check(Checker checker, String taskId, List<CheckItem> items) {
    try {
      long started = System.nanoTime();
      List<CheckResult> results = checker.check(List.copyOf(items));
      metrics.checked(taskId, System.nanoTime() - started);
      if (results == null || results.size() != items.size()) {
        log.error("checker for {} returned {} results for {} answers; left for a retry", taskId,
            results == null ? "no" : results.size(), items.size());
        metrics.checkerFailure(taskId, items.size());
        return null;
      }
      return results;
    } catch (RuntimeException e) {
      log.error("checker for {} failed on {} answers; left for a retry", taskId, items.size(), e);
      metrics.checkerFailure(taskId, items.size());
      return null;
    }
  }

  private CompletableFuture<Boolean> write(QueueEntry entry, double quality, String reason,
      Outcome outcome) {
    CompletionStage<Boolean> stage = store.record(entry, quality, clock.millis());
    return stage.whenComplete((fresh, error) -> {
      if (error != null) {
        log.warn("result for answer {} not written, left for a retry: {}", entry.answerId(),
            error.toString());
      } else if (fresh) {
        metrics.outcome(entry.task(), outcome);
        log.debug("answer {} of {} on {}: quality {} ({})", entry.answerId(), entry.miner(),
            entry.task(), quality, reason);
      } else {
        metrics.outcome(entry.task(), Outcome.ALREADY_CHECKED);
      }
    }).toCompletableFuture();
  }
}
