package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.miner.MinerCallException.Outcome;
import io.assay.gateway.miner.MinerReply;
import io.assay.gateway.miner.MinerStream;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * Sends a request to a miner and, if that miner fails before answering, to another, so that a
 * user sees an error only when no miner could serve.
 *
 * <p>Every attempt reserves its estimate on the miner's binding declaration first ({@link
 * TaskCapacity}): a miner is never asked for more than it declared, in volume or at once, so an
 * honest miner never needs to refuse, and when every miner is full the user gets 503. The
 * attempt then settles (to the work done, or at the estimate for a failure) and goes to the
 * {@link DispatchListener}, which records it; the check sample is drawn here, once, so the
 * recorded outcome carries its check probability.
 *
 * <p>A streamed request counts as answered once the miner's first chunk arrived and was valid:
 * until then it is retried like any other; after it, the stream is the caller's ({@link
 * ActiveStream}) and a failure can only end it. From assignment on, streams are watched for
 * falling behind ({@link StreamWatch}).
 *
 * <p>A user's request still unanswered well past what its task's answers recently took (whole
 * answers per unit, or a stream's first chunk: {@link AnswerTimes}) is also sent to another
 * miner, and the first answer wins: a frozen miner costs the user a second or so, not the miner
 * timeout or the stream allowance.
 *
 * <p>Synthetic requests go through {@link #dispatchTo}: pinned to the miner under test, under
 * the same rules (its declaration, its back-off), and never retried or hedged elsewhere.
 */
public final class Dispatcher {

  /** Capacity leases a request may wait for before it is refused for want of room. */
  private static final int MAX_LEASE_WAITS = 8;

  /**
   * Settings of the dispatcher.
   *
   * @param organicCheckShare the share of a task's organic answers picked for checking, by task
   *     id ({@code tasks[].organic_share})
   */
  public record Settings(int maxAttempts, long cooldownMillis, long maxRateLimitPauseMillis,
      long periodMillis, ToDoubleFunction<String> organicCheckShare,
      double syntheticCheckShare) {}

  private final MinerDirectory directory;
  private final MinerSelector selector;
  private final DispatchListener listener;
  private final Clock clock;
  private final Settings settings;
  private final StreamWatch watch;
  /** Recent whole-answer times per unit, for hedging a user's request on a late miner. */
  private final AnswerTimes answerTimes = new AnswerTimes();
  /** Recent times to a stream's first chunk, for hedging a user's stream on a late miner. */
  private final AnswerTimes firstChunkTimes = new AnswerTimes();
  private final ToDoubleFunction<String> minRate;

  /**
   * @param watch cuts streams that fall behind
   * @param minRate {@code stream.min_rate} of a task, by task id
   */
  public Dispatcher(MinerDirectory directory, DispatchListener listener, Clock clock,
      Settings settings, RandomGenerator random, StreamWatch watch,
      ToDoubleFunction<String> minRate) {
    this.directory = directory;
    this.selector = new MinerSelector(random);
    this.listener = listener;
    this.clock = clock;
    this.settings = settings;
    this.watch = watch;
    this.minRate = minRate;
  }


  /** A served request: the validated answer, who gave it and the work it counts for. */
  public record Served(TaskAnswer answer, MinerNode miner, long units, long millis,
      String receipt) {}

  /** The current scoring period. */
  public long period() {
    return Math.floorDiv(clock.millis(), settings.periodMillis());
  }

  /**
   * Serves {@code request} on some miner.
   *
   * @param units work units the request is expected to cost ({@code e}, reserved up front)
   * @param requestId the user's request id, kept with the answer's receipt
   * @return the answer, or a failed future with {@link NoMinerAvailableException}
   */
  public Future<Served> dispatch(Task task, TaskRequest request, long units, String requestId) {
    return dispatch(null, task, request, units, Origin.ORGANIC, requestId, null);
  }

  /**
   * Serves the parts of a split request (the pictures of one image request) at once, each on a
   * miner the others are not using when there is one, so one request's work spreads over the
   * market. Fails if any part fails: the user asked for all of them.
   *
   * @param units each part's expected work, in order
   * @param requestId the user's request id, kept with the answers' receipts
   */
  public Future<List<Served>> dispatchAll(Task task, List<TaskRequest> parts, List<Long> units,
      String requestId) {
    Set<String> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Future<Served>> calls = new java.util.ArrayList<>(parts.size());
    for (int i = 0; i < parts.size(); i++) {
      calls.add(dispatch(null, task, parts.get(i), units.get(i), Origin.ORGANIC, requestId,
          busy));
    }
    return Future.all(calls).map(done -> calls.stream().map(Future::result).toList());
  }

  /**
   * Serves a synthetic {@code request} on {@code miner} only, with no retry elsewhere: how a
   * miner is tested. Same path, headers and body as any other request. Fails with {@link
   * NotSentException} when the miner's declaration has no room for it now (nothing was sent).
   */
  public Future<Served> dispatchTo(MinerNode miner, Task task, TaskRequest request, long units) {
    return dispatch(miner, task, request, units, Origin.SYNTHETIC, null, null);
  }

  /**
   * @param busy miners to avoid while others can serve (null: none); the chosen one joins it
   */
  private Future<Served> dispatch(MinerNode pinned, Task task, TaskRequest request, long units,
      Origin origin, String requestId, Set<String> busy) {
    byte[] body = task.minerRequestBody(request);
    String contentType = task.minerContentType(request);
    String taskId = task.spec().id();
    Call<Served> call = a -> a.node().client()
        .callTask(taskId, request.path(), contentType, body)
        .compose(reply -> {
          if (reply.status() != 200) {
            return Future.failedFuture(failure(a.node(), reply));
          }
          // The miner's time ends when its reply arrives, not when we have read it.
          double seconds = a.elapsedSeconds();
          answerTimes.record(taskId, seconds, a.reservation().estimate());
          a.answered(reply.receipt(), reply.signedAt());
          return readAnswer(task, request, a.node(), reply.body()).map(answer -> {
            long done = task.units(request, answer);
            a.succeeded(answer, done, seconds, reply.body());
            return new Served(answer, a.node(), done, (long) (seconds * 1000),
                reply.receipt());
          });
        });
    return firstOrHedged(new Job<>(task, request, units, origin, requestId, busy, call), pinned,
        answerTimes, units, served -> { });
  }

  /**
   * The job's first attempt on {@code pinned} (or a miner chosen now); unpinned, {@link #hedged}
   * once {@code times} say it is late for {@code delayUnits} of work.
   */
  private static <T> Future<T> firstOrHedged(Job<T> job, MinerNode pinned, AnswerTimes times,
      long delayUnits, java.util.function.Consumer<T> discard) {
    Future<T> first = job.attempt(pinned, 1);
    String taskId = job.task.spec().id();
    long hedgeAfter = pinned == null ? times.hedgeDelayMillis(taskId, delayUnits) : -1;
    return hedgeAfter < 0 ? first
        : hedged(job, first, hedgeAfter, () -> times.tryHedge(taskId), discard);
  }

  /**
   * The first answer of {@code first} and, if it has none after {@code afterMillis}, of a
   * second attempt on another miner (the job's tried miners are kept off). The slower attempt
   * runs on and settles as it ends, so a miner is scored on what it really did: a late whole
   * answer is a late success, a frozen miner times out; a late stream is handed to {@code
   * discard}. Once one answered, the other is not retried elsewhere. No hedge is sent when
   * {@code budget} refuses (a share of the task's answers). Synthetic requests are never
   * hedged: a test asks one miner.
   */
  private static <T> Future<T> hedged(Job<T> job, Future<T> first, long afterMillis,
      java.util.function.BooleanSupplier budget, java.util.function.Consumer<T> discard) {
    Context context = Vertx.currentContext();
    if (context == null || first.isComplete()) {
      return first;
    }
    Promise<T> result = Promise.promise();
    int[] running = {1};
    long timer = context.owner().setTimer(afterMillis, id -> {
      if (result.future().isComplete() || !budget.getAsBoolean()) {
        return;
      }
      running[0]++;
      job.attempt(null, 1).onComplete(ar -> settle(result, ar, running, discard));
    });
    first.onComplete(ar -> {
      if (ar.failed() && running[0] == 1) {
        // every attempt of the first already failed before any hedge: no more to wait for
        context.owner().cancelTimer(timer);
      }
      settle(result, ar, running, discard);
    });
    return result.future().onSuccess(answer -> {
      job.answered = true;
      context.owner().cancelTimer(timer);
    });
  }

  private static <T> void settle(Promise<T> result, io.vertx.core.AsyncResult<T> ar,
      int[] running, java.util.function.Consumer<T> discard) {
    running[0]--;
    if (ar.succeeded()) {
      if (!result.tryComplete(ar.result())) {
        discard.accept(ar.result());
      }
    } else if (running[0] == 0) {
      result.tryFail(ar.cause());
    }
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
      String requestId) {
    return openStream(null, task, request, units, Origin.ORGANIC, requestId);
  }

  /** Like {@link #dispatchTo}, for a streamed request. */
  public Future<ActiveStream> openStreamTo(MinerNode miner, Task task, TaskRequest request,
      long units) {
    return openStream(miner, task, request, units, Origin.SYNTHETIC, null);
  }

  private Future<ActiveStream> openStream(MinerNode pinned, Task task, TaskRequest request,
      long units, Origin origin, String requestId) {
    byte[] body = task.minerRequestBody(request);
    String taskId = task.spec().id();
    Call<ActiveStream> call = a -> {
      Context context = Vertx.currentContext();
      Promise<ActiveStream> first = Promise.promise();
      StreamWatch.Entry entry = watch.watch(context, a.reservation().assignedAt(), units,
          minRate.applyAsDouble(taskId), () -> first.tryFail(new MinerCallException(
              Outcome.TIMEOUT, "miner " + a.node().name()
                  + " sent no work within its stream allowance")));
      a.node().client().callStream(request.path(), body).onComplete(ar -> {
        if (ar.failed()) {
          first.tryFail(ar.cause());
        } else if (ar.result().reply() != null) {
          MinerReply reply = ar.result().reply();
          first.tryFail(reply.status() == 200
              ? new MinerCallException(Outcome.BAD_ANSWER,
                  "miner " + a.node().name() + " did not stream a streamed request")
              : failure(a.node(), reply));
        } else if (first.future().isComplete()) {
          ar.result().stream().cancel();
        } else {
          firstChunk(a, ar.result().stream(), entry, first);
        }
      });
      return first.future()
          .onSuccess(stream -> firstChunkTimes.record(taskId, a.elapsedSeconds(), 1))
          .onFailure(e -> entry.close());
    };
    // Timed to the first chunk, whatever the stream's length. A stream that starts after another
    // already serves the user is left, like a user leaving.
    return firstOrHedged(new Job<>(task, request, units, origin, requestId, null, call), pinned,
        firstChunkTimes, 1, ActiveStream::abandoned);
  }

  private void firstChunk(Attempt a, MinerStream stream, StreamWatch.Entry entry,
      Promise<ActiveStream> first) {
    StreamRelay relay = a.task().streamRelay(a.request());
    entry.onCut(() -> {
      stream.cancel();
      first.tryFail(new MinerCallException(Outcome.TIMEOUT,
          "miner " + a.node().name() + " sent no work within its stream allowance"));
    });
    stream.exceptionHandler(first::tryFail);
    stream.endHandler(v -> first.tryFail(new MinerCallException(Outcome.BAD_ANSWER,
        "miner " + a.node().name() + " ended its stream without any chunk")));
    stream.handler(chunk -> {
      stream.pause();
      List<byte[]> out;
      try {
        out = relay.accept(chunk);
      } catch (InvalidAnswerException e) {
        stream.cancel();
        first.tryFail(new MinerCallException(Outcome.BAD_ANSWER,
            "miner " + a.node().name() + " streamed a bad first chunk: " + e.getMessage(), 0, e));
        return;
      }
      entry.progress(relay.unitsSoFar());
      if (!first.tryComplete(new ActiveStream(a, stream, relay, out, entry, clock))) {
        stream.cancel();
      }
    });
    stream.resume();
  }

  /** One call to one miner, resolving with a result or failing with why. */
  private interface Call<T> {
    Future<T> run(Attempt attempt);
  }

  /**
   * One request to serve, and the state its attempts share: the miners tried, and whether it
   * was answered (after which a failing attempt is not retried elsewhere).
   */
  private final class Job<T> {
    private final Task task;
    private final TaskRequest request;
    private final long units;
    private final Origin origin;
    private final String requestId;
    private final Set<String> tried = new HashSet<>();
    /** Miners to avoid while others can serve (null: none); each chosen one joins it. */
    private final Set<String> busy;
    private final Call<T> call;
    private boolean answered;
    /** Times this request waited for a capacity lease under way. */
    private int leaseWaits;

    Job(Task task, TaskRequest request, long units, Origin origin, String requestId,
        Set<String> busy, Call<T> call) {
      this.task = task;
      this.request = request;
      this.units = units;
      this.origin = origin;
      this.requestId = requestId;
      this.busy = busy;
      this.call = call;
    }

    /**
     * Runs {@code retry} once {@code lease} (more capacity leased from the gateways' shared
     * ledger) is in: the request found no room only because this gateway's lease had run dry.
     * Other requests waiting may take the new lease first, so a request waits up to {@link
     * Dispatcher#MAX_LEASE_WAITS} times; a lease that finds nothing left ends the waiting at once
     * (no lease is then under way).
     */
    private Future<T> afterLease(CompletionStage<Void> lease,
        Supplier<Future<T>> retry) {
      leaseWaits++;
      Context context = Vertx.currentContext();
      Future<Void> in = context == null ? Future.fromCompletionStage(lease)
          : Future.fromCompletionStage(lease, context);
      return in.transform(ar -> retry.get());
    }

    /**
     * A lease under way for a miner of {@code taskId} outside {@code skip}, or null; null too
     * once this request has waited {@link Dispatcher#MAX_LEASE_WAITS} times.
     */
    private CompletionStage<Void> leaseUnderWay(String taskId, long period, Set<String> skip) {
      if (leaseWaits >= MAX_LEASE_WAITS) {
        return null;
      }
      for (MinerNode candidate : directory.all()) {
        TaskCapacity cap = candidate.capacity(taskId, period);
        CompletionStage<Void> lease = cap == null ? null : cap.refilling();
        if (lease != null && !skip.contains(candidate.hotkey())) {
          return lease;
        }
      }
      return null;
    }

    /**
     * The miner to try next and, when there is none yet, the lease under way to wait for. With
     * {@code busy} (the parts of one split request), a miner the other parts are not using comes
     * first, even one whose first lease is still under way: falling back to a busy miner at once
     * would put every part of a request made just after the period turned on the one miner whose
     * lease came in first. Only when no other miner can serve does a part share a busy one.
     */
    private Pick pick(String taskId, long period, long now) {
      if (busy != null && !busy.isEmpty()) {
        Set<String> avoid = new HashSet<>(tried);
        avoid.addAll(busy);
        MinerNode idle = selector.choose(directory.all(), taskId, period, units, avoid, now);
        CompletionStage<Void> lease =
            idle == null ? leaseUnderWay(taskId, period, avoid) : null;
        if (idle != null || lease != null) {
          return new Pick(idle, lease);
        }
      }
      MinerNode node = selector.choose(directory.all(), taskId, period, units, tried, now);
      return new Pick(node, node == null ? leaseUnderWay(taskId, period, tried) : null);
    }

    /** Attempt number {@code number}, on {@code pinned} or on a miner chosen now. */
    Future<T> attempt(MinerNode pinned, int number) {
      String taskId = task.spec().id();
      long now = clock.millis();
      long period = Math.floorDiv(now, settings.periodMillis());
      TaskCapacity.Reservation reservation = null;
      MinerNode node = pinned;
      if (pinned != null && !pinned.client().mayServe(taskId)) {
        return Future.failedFuture(new NotSentException("miner " + pinned.name()
            + " has no attested session for " + taskId + " now"));
      }
      if (pinned != null) {
        TaskCapacity cap = pinned.capacity(taskId, period);
        reservation = cap == null ? null : cap.tryReserve(units, now);
        if (reservation == null && leaseWaits < MAX_LEASE_WAITS && cap != null
            && cap.refilling() != null) {
          return afterLease(cap.refilling(), () -> attempt(pinned, number));
        }
        if (reservation == null) {
          return Future.failedFuture(new NotSentException("miner " + pinned.name()
              + " has no room for a " + taskId + " request now"));
        }
      }
      while (reservation == null) {
        Pick pick = pick(taskId, period, now);
        if (pick.lease() != null) {
          return afterLease(pick.lease(), () -> attempt(null, number));
        }
        node = pick.node();
        if (node == null) {
          return Future.failedFuture(new NoMinerAvailableException(tried.isEmpty()
              ? "No miner can serve " + request.model() + " right now; try again shortly."
              : "No miner could serve " + request.model() + " (" + tried.size()
                  + " tried); try again shortly.", 1));
        }
        tried.add(node.hotkey());
        if (busy != null) {
          busy.add(node.hotkey());
        }
        reservation = node.capacity(taskId, period).tryReserve(units, now);
      }
      Attempt a = new Attempt(node, task, request, origin, requestId, reservation);
      Future<T> result;
      try {
        result = call.run(a);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result.recover(e -> {
        Outcome outcome = e instanceof MinerCallException m ? m.outcome() : Outcome.ERROR;
        long retryAfter = e instanceof MinerCallException m ? m.retryAfterSeconds() : 0;
        a.failed(outcome, retryAfter, e.getMessage());
        if (number >= settings.maxAttempts() || pinned != null || answered) {
          return Future.failedFuture(new NoMinerAvailableException(
              "No miner could serve " + request.model() + " after " + number
                  + " attempts; try again shortly.", 1));
        }
        return attempt(null, number + 1);
      });
    }
  }

  /** The miner a request tries next, or the capacity lease to wait for before choosing. */
  private record Pick(MinerNode node, CompletionStage<Void> lease) {}

  /**
   * One request on one miner, from assignment to settlement: reserved units, timing, and the
   * single settlement its end produces. Used on the context that made it.
   */
  final class Attempt {
    private final MinerNode node;
    private final Task task;
    private final TaskRequest request;
    private final Origin origin;
    private final String requestId;
    private final TaskCapacity.Reservation reservation;
    private final long startedNanos = System.nanoTime();
    private boolean settled;
    private String receipt;
    private long signedAt;

    Attempt(MinerNode node, Task task, TaskRequest request, Origin origin, String requestId,
        TaskCapacity.Reservation reservation) {
      this.node = node;
      this.task = task;
      this.request = request;
      this.origin = origin;
      this.requestId = requestId;
      this.reservation = reservation;
    }

    MinerNode node() {
      return node;
    }

    Task task() {
      return task;
    }

    TaskRequest request() {
      return request;
    }

    TaskCapacity.Reservation reservation() {
      return reservation;
    }

    double elapsedSeconds() {
      return (System.nanoTime() - startedNanos) / 1e9;
    }

    long elapsedMillis() {
      return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /**
     * The miner answered 200 with a receipt that checked out, for a request signed at {@code
     * signedAt}: the receipt is in the miner's root of that period, whether or not the answer
     * then proves valid, so the settlement carries it either way.
     */
    void answered(String receipt, long signedAt) {
      this.receipt = receipt;
      this.signedAt = signedAt;
    }

    /** A streamed answer ended whole (after {@link #answered}). */
    void succeeded(TaskAnswer answer, long units) {
      succeeded(answer, units, elapsedSeconds(), null);
    }

    /** @param body the miner's bytes of a whole (non-streamed) answer */
    void succeeded(TaskAnswer answer, long units, double seconds, byte[] body) {
      if (settled) {
        return;
      }
      settled = true;
      long stopped = reservation.capacity().settle(reservation, units, false);
      reservation.capacity().succeeded();
      node.succeeded(seconds * 1000);
      double share = origin == Origin.SYNTHETIC ? settings.syntheticCheckShare()
          : settings.organicCheckShare().applyAsDouble(task.spec().id());
      Double p = share > 0 && ThreadLocalRandom.current().nextDouble() < share ? share : null;
      listener.settled(new Settlement(node, task, origin, request, reservation,
          RequestOutcome.Outcome.SUCCESS, null, units, seconds, answer, receipt, p, stopped,
          null, body, signedAt, requestId));
    }

    void abandoned(long unitsSoFar) {
      if (settled) {
        return;
      }
      settled = true;
      long stopped = reservation.capacity().settle(reservation, unitsSoFar, false);
      listener.settled(new Settlement(node, task, origin, request, reservation,
          RequestOutcome.Outcome.ABANDONED, null, unitsSoFar, elapsedSeconds(), null, receipt, null,
          stopped, "the user left the stream", null, signedAt, requestId));
    }

    void failed(Outcome outcome, long retryAfterSeconds, String message) {
      if (settled) {
        return;
      }
      settled = true;
      long now = clock.millis();
      boolean rateLimited = outcome == Outcome.RATE_LIMITED;
      long stopped = reservation.capacity().settle(reservation, reservation.estimate(),
          !rateLimited);
      if (rateLimited) {
        // Honour Retry-After only briefly: a miner is never asked beyond its declaration, so
        // a 429 is its own refusal, and one that claims a long pause must not escape being
        // asked for what it declared.
        long pause = Math.min(Math.max(1, retryAfterSeconds) * 1000,
            settings.maxRateLimitPauseMillis());
        reservation.capacity().pauseUntil(now + pause);
      } else {
        reservation.capacity().failed(now, settings.cooldownMillis());
        node.failed();
      }
      listener.settled(new Settlement(node, task, origin, request, reservation,
          rateLimited ? RequestOutcome.Outcome.RATE_LIMITED : RequestOutcome.Outcome.FAILED,
          outcome, 0, elapsedSeconds(), null, receipt, null, stopped, message, null, signedAt,
          requestId));
    }
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
