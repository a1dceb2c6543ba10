package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.miner.MinerCallException.Outcome;
import io.assay.gateway.miner.MinerReply;
import io.assay.gateway.miner.MinerStream;
import io.assay.task.InvalidAnswerException;
import io.assay.task.StreamRelay;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;

/**
 * Sends a request to a miner and, if that miner fails before answering, to another, so that a
 * user sees an error only when no miner could serve.
 *
 * <p>Capacity is reserved before a call and settled after it (to the work actually done, or
 * released on failure), so concurrent requests never send a miner more than it declared. Every
 * attempt's outcome goes to the {@link DispatchListener}, which is where usage and scoring inputs
 * are recorded.
 *
 * <p>A streamed request counts as answered once the miner's first chunk arrived and was valid:
 * until then it is retried like any other; after it, the stream is the caller's ({@link
 * ActiveStream}) and a failure can only end it.
 */
public final class Dispatcher {

  private final MinerDirectory directory;
  private final MinerSelector selector;
  private final DispatchListener listener;
  private final Clock clock;
  private final int maxAttempts;
  private final long cooldownMillis;
  private final long maxRateLimitPauseMillis;

  /**
   * @param cooldownMillis how long a failing miner is avoided (times its run of failures)
   * @param maxRateLimitPauseMillis the longest a 429 keeps a miner from being asked again for the
   *     same task, whatever its Retry-After says
   */
  public Dispatcher(MinerDirectory directory, DispatchListener listener, Clock clock,
      int maxAttempts, long cooldownMillis, long maxRateLimitPauseMillis,
      RandomGenerator random) {
    this.directory = directory;
    this.selector = new MinerSelector(random);
    this.listener = listener;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
    this.cooldownMillis = cooldownMillis;
    this.maxRateLimitPauseMillis = maxRateLimitPauseMillis;
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
  public Future<Served> dispatch(Task task, TaskRequest request, long units, Origin origin) {
    return dispatch(null, task, request, units, origin, null);
  }

  /**
   * Serves the parts of a split request (the pictures of one image request) at once, each on a
   * miner the others are not using when there is one, so one request's work spreads over the
   * market. Fails if any part fails: the user asked for all of them.
   *
   * @param units each part's expected work, in order
   */
  public Future<List<Served>> dispatchAll(Task task, List<TaskRequest> parts, List<Long> units,
      Origin origin) {
    Set<String> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Future<Served>> calls = new java.util.ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      calls.add(dispatch(null, task, parts.get(i), units.get(i), origin, busy));
    }
    return Future.all(calls).map(done -> calls.stream().map(Future::result).toList());
  }

  /**
   * Serves {@code request} on {@code miner} only, with no retry elsewhere: how synthetic
   * requests test one miner. Same path, headers and body as any other request.
   */
  public Future<Served> dispatchTo(MinerNode miner, Task task, TaskRequest request, long units) {
    return dispatch(miner, task, request, units, Origin.SYNTHETIC, null);
  }

  /** @param busy miners to avoid while others can serve (null: none); the chosen one joins it */
  private Future<Served> dispatch(MinerNode pinned, Task task, TaskRequest request, long units,
      Origin origin, Set<String> busy) {
    byte[] body = task.minerRequestBody(request);
    return attempt(task, request, units, pinned, origin, new HashSet<>(), busy, 1,
        (node, cap, started) ->
        node.client().call(HttpMethod.POST, request.path(), body)
            .compose(reply -> {
              if (reply.status() != 200) {
                return Future.failedFuture(failure(node, reply));
              }
              // The miner's time ends when its reply arrives, not when we have read it.
              long millis = (System.nanoTime() - started) / 1_000_000;
              return readAnswer(task, request, node, reply.body()).map(answer -> {
                long done = task.units(request, answer);
                settleSuccess(node, task, cap, units, done, millis, request, answer,
                    reply.receipt(), origin);
                return new Served(answer, node, done, millis, reply.receipt());
              });
            }));
  }

  /**
   * Reads and validates a miner's answer: inline, or on a worker for tasks whose answers take
   * real CPU to check (a proof to verify), so the event loop never waits on them.
   */
  private static Future<TaskAnswer> readAnswer(Task task, TaskRequest request, MinerNode node,
      byte[] body) {
    Callable<TaskAnswer> read = () -> {
      try {
        return task.readAnswer(request, body);
      } catch (InvalidAnswerException e) {
        throw new MinerCallException(Outcome.BAD_ANSWER,
            "miner " + node.name() + " gave a bad answer: " + e.getMessage(), 0, e);
      }
    };
    Context context = Vertx.currentContext();
    if (task.readsAnswersOnWorker() && context != null) {
      return context.executeBlocking(read, false);
    }
    try {
      return Future.succeededFuture(read.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Opens a streamed answer on some miner: completes once a miner's first chunk arrived and its
   * relay accepted it, with the stream paused for the caller to resume.
   */
  public Future<ActiveStream> openStream(Task task, TaskRequest request, long units,
      Origin origin) {
    return openStream(null, task, request, units, origin);
  }

  /** Like {@link #dispatchTo}, for a streamed request. */
  public Future<ActiveStream> openStreamTo(MinerNode miner, Task task, TaskRequest request,
      long units) {
    return openStream(miner, task, request, units, Origin.SYNTHETIC);
  }

  private Future<ActiveStream> openStream(MinerNode pinned, Task task, TaskRequest request,
      long units, Origin origin) {
    byte[] body = task.minerRequestBody(request);
    return attempt(task, request, units, pinned, origin, new HashSet<>(), null, 1,
        (node, cap, started) ->
        node.client().callStream(request.path(), body).compose(opened -> {
          if (opened.reply() != null) {
            return Future.failedFuture(opened.reply().status() == 200
                ? new MinerCallException(Outcome.BAD_ANSWER,
                    "miner " + node.name() + " did not stream a streamed request")
                : failure(node, opened.reply()));
          }
          return firstChunk(task, request, node, cap, units, started, opened.stream(), origin);
        }));
  }

  private Future<ActiveStream> firstChunk(Task task, TaskRequest request, MinerNode node,
      MinerNode.TaskCapacity cap, long units, long started, MinerStream stream, Origin origin) {
    Promise<ActiveStream> first = Promise.promise();
    StreamRelay relay = task.streamRelay(request);
    stream.exceptionHandler(first::tryFail);
    stream.endHandler(v -> first.tryFail(new MinerCallException(Outcome.BAD_ANSWER,
        "miner " + node.name() + " ended its stream without any chunk")));
    stream.handler(chunk -> {
      stream.pause();
      List<byte[]> out;
      try {
        out = relay.accept(chunk);
      } catch (InvalidAnswerException e) {
        stream.cancel();
        first.tryFail(new MinerCallException(Outcome.BAD_ANSWER,
            "miner " + node.name() + " streamed a bad first chunk: " + e.getMessage(), 0, e));
        return;
      }
      first.tryComplete(new ActiveStream(this, task, request, node, cap, units, started, stream,
          relay, out, origin));
    });
    stream.resume();
    return first.future();
  }

  /** One call to one miner, resolving with a result or failing with why. */
  private interface Call<T> {
    Future<T> run(MinerNode node, MinerNode.TaskCapacity cap, long startedNanos);
  }

  private <T> Future<T> attempt(Task task, TaskRequest request, long units, MinerNode pinned,
      Origin origin, Set<String> tried, Set<String> busy, int attempt, Call<T> call) {
    String taskId = task.spec().id();
    long now = clock.millis();
    MinerNode node = pinned != null
        ? (tried.isEmpty() ? pinned : null)
        : choose(taskId, units, tried, busy, now);
    if (node == null) {
      return Future.failedFuture(new NoMinerAvailableException(
          tried.isEmpty()
              ? "No miner can serve " + request.model() + " right now; try again shortly."
              : "No miner could serve " + request.model() + " (" + tried.size()
                  + " tried); try again shortly.",
          1));
    }
    tried.add(node.hotkey());
    MinerNode.TaskCapacity cap = node.capacity(taskId);
    if (cap == null || !cap.tryReserve(units)) {
      return attempt(task, request, units, pinned, origin, tried, busy, attempt, call);
    }
    node.started();
    long started = System.nanoTime();
    Future<T> result;
    try {
      result = call.run(node, cap, started);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(e -> {
      Outcome outcome = e instanceof MinerCallException m ? m.outcome() : Outcome.ERROR;
      long retryAfter = e instanceof MinerCallException m ? m.retryAfterSeconds() : 0;
      settleFailure(node, task, cap, units, started, outcome, retryAfter, e.getMessage(), origin);
      if (attempt >= maxAttempts || pinned != null) {
        return Future.failedFuture(new NoMinerAvailableException(
            "No miner could serve " + request.model() + " after " + attempt
                + " attempts; try again shortly.", 1));
      }
      return attempt(task, request, units, pinned, origin, tried, busy, attempt + 1, call);
    });
  }

  /** A miner not yet tried, one outside {@code busy} if any can serve; it then joins busy. */
  private MinerNode choose(String taskId, long units, Set<String> tried, Set<String> busy,
      long now) {
    MinerNode node = null;
    if (busy != null && !busy.isEmpty()) {
      Set<String> avoid = new HashSet<>(tried);
      avoid.addAll(busy);
      node = selector.choose(directory.all(), taskId, units, avoid, now);
    }
    if (node == null) {
      node = selector.choose(directory.all(), taskId, units, tried, now);
    }
    if (node != null && busy != null) {
      busy.add(node.hotkey());
    }
    return node;
  }

  /** Books a successful attempt that took {@code millis}. */
  void settleSuccess(MinerNode node, Task task, MinerNode.TaskCapacity cap, long reserved,
      long done, long millis, TaskRequest request, TaskAnswer answer, String answerId,
      Origin origin) {
    cap.consumed().addAndGet(done - reserved);
    node.succeeded(millis);
    node.finished();
    listener.attemptSucceeded(node, task, origin, request, answer, answerId, done, millis);
  }

  /** Books a failed attempt: capacity back, back-off, and the listener told. */
  void settleFailure(MinerNode node, Task task, MinerNode.TaskCapacity cap, long reserved,
      long startedNanos, Outcome outcome, long retryAfterSeconds, String message, Origin origin) {
    long millis = (System.nanoTime() - startedNanos) / 1_000_000;
    cap.consumed().addAndGet(-reserved);
    if (outcome == Outcome.RATE_LIMITED) {
      // Honour Retry-After only briefly: a miner that is full by its own declaration has no
      // capacity left in our books anyway, and one that claims a long pause must not escape
      // being asked for what it declared.
      long pause = Math.min(Math.max(1, retryAfterSeconds) * 1000, maxRateLimitPauseMillis);
      cap.rateLimitedUntilMillis().set(clock.millis() + pause);
    } else {
      node.failed(clock.millis(), cooldownMillis);
    }
    node.finished();
    listener.attemptFailed(node, task, origin, outcome, millis, message);
  }

  private static MinerCallException failure(MinerNode node, MinerReply reply) {
    if (reply.status() == 429) {
      return new MinerCallException(Outcome.RATE_LIMITED,
          "miner " + node.name() + " is full: " + reply.errorText(),
          parseSeconds(reply.header("Retry-After")), null);
    }
    return new MinerCallException(Outcome.ERROR,
        "miner " + node.name() + " answered " + reply.status() + ": " + reply.errorText());
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
