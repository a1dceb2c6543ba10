package io.assay.miner;

import io.assay.task.Backend;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import java.io.PrintStream;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code assay-miner check}: sends one request of each configured task to its backend (the
 * reference engine or the upstream server), reads the answer as a validator would, and says
 * what works and what does not, one line a task, before the miner serves anyone.
 */
public final class BackendCheck {

  /** How long one task's request may take (a zk proof takes seconds). */
  private static final long TIMEOUT_SECONDS = 180;

  private BackendCheck() {}

  /** @return 0 when every task answered, 1 otherwise */
  public static int run(MinerConfig config, TaskKinds kinds, ExecutorService workers,
      PrintStream out) {
    MinerFactory factory = new MinerFactory(kinds, workers);
    int failed = 0;
    for (MinerConfig.TaskConfig t : config.tasks()) {
      Outcome o = check(factory, kinds, t);
      out.printf("%-5s %-40s %s%n", o.ok() ? "ok" : "FAIL", t.kind() + "/" + t.model(),
          o.detail());
      failed += o.ok() ? 0 : 1;
    }
    out.println(failed == 0 ? "every task answered" : failed + " of " + config.tasks().size()
        + " tasks did not answer; the miner declares no capacity for a task it cannot serve");
    return failed == 0 ? 0 : 1;
  }

  /** What one task's request came to. */
  private record Outcome(boolean ok, String detail) {}

  private static Outcome check(MinerFactory factory, TaskKinds kinds,
      MinerConfig.TaskConfig t) {
    try {
      return tryTask(factory, kinds, t);
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException
          && e.getCause() != null ? e.getCause() : e;
      return new Outcome(false, cause.getMessage() == null ? cause.toString()
          : cause.getMessage());
    }
  }

  private static Outcome tryTask(MinerFactory factory, TaskKinds kinds,
      MinerConfig.TaskConfig t) throws Exception {
    TaskKind kind = kinds.byName(t.kind()).orElse(null);
    if (kind == null) {
      return new Outcome(false, "unknown task kind; known kinds: "
          + kinds.all().stream().map(TaskKind::name).toList());
    }
    TaskSpec spec = new TaskSpec(kind.name(), t.model(), t.capacity(), 1);
    Backend backend = factory.backend(kind, spec, t);
    try {
      String unavailable = backend.unavailableReason();
      if (unavailable != null) {
        return new Outcome(false, unavailable);
      }
      Task task = kind.bind(spec);
      // As the gateway sends it: split, which fixes what the validator adds (a zk nonce).
      TaskRequest request = task.split(task.syntheticGenerator().next(new SplittableRandom(1)))
          .get(0);
      long started = System.nanoTime();
      TaskAnswer answer = backend.serve(request).toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      long millis = (System.nanoTime() - started) / 1_000_000;
      // As a validator reads it: an answer that does not parse or fit the request fails here.
      TaskAnswer read = task.readAnswer(request, answer.toMinerBody());
      return new Outcome(true, task.units(request, read) + " units in " + millis + " ms"
          + (t.upstream() != null ? " from " + t.upstream().baseUrl() : " (reference engine)"));
    } finally {
      backend.close();
    }
  }
}
