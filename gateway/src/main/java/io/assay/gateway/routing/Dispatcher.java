package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.miner.MinerCallException.Outcome;
import io.assay.gateway.miner.MinerReply;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Sends a request to a miner and, if that miner fails before answering, to another, so that a
 * user sees an error only when no miner could serve.
 *
 * <p>Capacity is reserved before a call and settled after it (to the work actually done, or
 * released on failure), so concurrent requests never send a miner more than it declared. Every
 * attempt's outcome goes to the {@link DispatchListener}, which is where usage and scoring inputs
 * are recorded.
 */
public final class Dispatcher {

  private final MinerDirectory directory;
  private final MinerSelector selector;
  private final DispatchListener listener;
  private final Clock clock;
  private final int maxAttempts;
  private final long cooldownMillis;

  public Dispatcher(MinerDirectory directory, DispatchListener listener, Clock clock,
      int maxAttempts, long cooldownMillis, RandomGenerator random) {
    this.directory = directory;
    this.selector = new MinerSelector(random);
    this.listener = listener;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.cooldownMillis = cooldownMillis;
  }

  /** A served request: the validated answer, who gave it and the work it counts for. */
  public record Served(TaskAnswer answer, MinerNode miner, long units, long millis,
      String receipt) {}

  /**
   * Serves {@code request} on some miner.
   *
   * @param units work units the request is expected to cost (reserved up front)
   * @return the answer, or a failed future with {@link NoMinerAvailableException}
   */
  public Future<Served> dispatch(Task task, TaskRequest request, long units) {
    byte[] body = task.minerRequestBody(request);
    return attempt(task, request, units, body, new HashSet<>(), 1);
  }

  private Future<Served> attempt(Task task, TaskRequest request, long units, byte[] body,
      Set<String> tried, int attempt) {
    String taskId = task.spec().id();
    long now = clock.millis();
    MinerNode node = selector.choose(directory.all(), taskId, units, tried, now);
    if (node == null) {
      return Future.failedFuture(new NoMinerAvailableException(
          tried.isEmpty()
              ? "No miner can serve " + request.model() + " right now; try again shortly."
              : "No miner could serve " + request.model() + " (" + tried.size()
                  + " tried); try again shortly.",
          1));
    }
    MinerNode.TaskCapacity cap = node.capacity(taskId);
    if (cap == null || !cap.tryReserve(units)) {
      tried.add(node.hotkey());
      return attempt(task, request, units, body, tried, attempt);
    }
    tried.add(node.hotkey());
    node.started();
    long started = System.nanoTime();
    return node.client().call(HttpMethod.POST, request.path(), body)
        .compose(reply -> read(task, request, node, reply, cap, units, started))
        .eventually(() -> {
          node.finished();
          return Future.succeededFuture();
        })
        .recover(e -> {
          Outcome outcome = e instanceof MinerCallException m ? m.outcome() : Outcome.ERROR;
          cap.consumed().addAndGet(-units);
          long millis = (System.nanoTime() - started) / 1_000_000;
          if (outcome == Outcome.RATE_LIMITED) {
            long retry = ((MinerCallException) e).retryAfterSeconds();
            cap.rateLimitedUntilMillis().set(clock.millis() + Math.max(1, retry) * 1000);
          } else {
            node.failed(clock.millis(), cooldownMillis);
          }
          listener.attemptFailed(node, task, outcome, millis, e.getMessage());
          if (attempt >= maxAttempts) {
            return Future.failedFuture(new NoMinerAvailableException(
                "No miner could serve " + request.model() + " after " + attempt
                    + " attempts; try again shortly.", 1));
          }
          return attempt(task, request, units, body, tried, attempt + 1);
        });
  }

  private Future<Served> read(Task task, TaskRequest request, MinerNode node, MinerReply reply,
      MinerNode.TaskCapacity cap, long reserved, long started) {
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (reply.status() == 429) {
      return Future.failedFuture(new MinerCallException(Outcome.RATE_LIMITED,
          "miner " + node.name() + " is full: " + reply.errorText(),
          parseSeconds(reply.header("Retry-After")), null));
    }
    if (reply.status() != 200) {
      return Future.failedFuture(new MinerCallException(Outcome.ERROR,
          "miner " + node.name() + " answered " + reply.status() + ": " + reply.errorText()));
    }
    TaskAnswer answer;
    try {
      answer = task.readAnswer(request, reply.body());
    } catch (InvalidAnswerException e) {
      return Future.failedFuture(new MinerCallException(Outcome.BAD_ANSWER,
          "miner " + node.name() + " gave a bad answer: " + e.getMessage(), 0, e));
    }
    long done = task.units(request, answer);
    cap.consumed().addAndGet(done - reserved);
    node.succeeded(millis);
    listener.attemptSucceeded(node, task, done, millis);
    return Future.succeededFuture(new Served(answer, node, done, millis, reply.receipt()));
  }

  private static long parseSeconds(String header) {
    if (header == null) {
      return 1;
    }
    try {
      return Math.max(1, Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
