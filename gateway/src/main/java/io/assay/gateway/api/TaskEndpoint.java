package io.assay.gateway.api;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.metrics.GatewayMetrics;
import io.assay.gateway.routing.Dispatcher;
import io.assay.gateway.routing.NoMinerAvailableException;
import io.assay.gateway.synthetic.OrganicSamples;
import io.assay.gateway.usage.UsageRecorder;
import io.assay.task.Delivery;
import io.assay.task.FilePublisher;
import io.assay.task.InvalidRequestException;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one task kind's public paths: parse and validate once, find the task by model, hand it
 * to the {@link Dispatcher}, render the answer in OpenAI's shape and record usage.
 *
 * <p>Knows no kind by name: everything kind-specific comes through {@link TaskKind} and {@link
 * Task}.
 */
final class TaskEndpoint {

  private static final Logger log = LoggerFactory.getLogger(TaskEndpoint.class);
  private static final io.assay.gateway.state.OutageLog OUTAGE =
      new io.assay.gateway.state.OutageLog(java.time.Duration.ofMinutes(1));

  private final TaskKind kind;
  private final Map<String, Task> tasksById;
  private final Dispatcher dispatcher;
  private final UsageRecorder usage;
  private final GatewayMetrics metrics;
  private final FilePublisher files;
  private final OrganicSamples organic;

  TaskEndpoint(TaskKind kind, Map<String, Task> tasksById, Dispatcher dispatcher,
      UsageRecorder usage, GatewayMetrics metrics, FilePublisher files, OrganicSamples organic) {
    this.kind = kind;
    this.tasksById = tasksById;
    this.dispatcher = dispatcher;
    this.usage = usage;
    this.metrics = metrics;
    this.files = files;
    this.organic = organic;
  }

  /**
   * Bodies above this size are parsed and counted on a worker thread: counting tokens costs
   * about a microsecond per token, too long for an event loop on a large request. Paths whose
   * parsing is heavy at any size (decoding an edit's pictures) always go to a worker.
   */
  private static final int INLINE_PARSE_LIMIT = 64 * 1024;

  void handle(RoutingContext ctx) {
    Buffer raw = RequestBodies.of(ctx);
    byte[] body = raw == null ? new byte[0] : raw.getBytes();
    String path = ctx.request().path();
    String type = ctx.request().getHeader("Content-Type");
    if (body.length <= INLINE_PARSE_LIMIT && !kind.parsesOnWorker(path)) {
      Prepared prepared;
      try {
        prepared = prepare(path, type, body);
      } catch (InvalidRequestException e) {
        OpenAiError.invalidRequest(e.getMessage(), e.param(), e.code()).send(ctx.response());
        return;
      }
      serve(ctx, prepared, body.length);
      return;
    }
    ctx.vertx().executeBlocking(() -> prepare(path, type, body), false).onComplete(ar -> {
      if (ar.succeeded()) {
        serve(ctx, ar.result(), body.length);
      } else if (ar.cause() instanceof InvalidRequestException e) {
        OpenAiError.invalidRequest(e.getMessage(), e.param(), e.code()).send(ctx.response());
      } else {
        log.error("{}: preparing request {} failed", kind.name(), ApiVerticle.requestId(ctx),
            ar.cause());
        OpenAiError.internal().send(ctx.response());
      }
    });
  }

  /** A validated request, its task (null for an unknown model) and its expected work. */
  private record Prepared(TaskRequest request, Task task, long units) {}

  private Prepared prepare(String path, String contentType, byte[] body) {
    TaskRequest request = kind.parseRequest(path, contentType, body);
    Task task = tasksById.get(kind.name() + "/" + request.model());
    return new Prepared(request, task, task == null ? 0 : task.estimateUnits(request));
  }

  private void serve(RoutingContext ctx, Prepared prepared, int bodyBytes) {
    ApiKey key = ctx.get(Authenticator.KEY);
    TaskRequest request = prepared.request();
    Task task = prepared.task();
    long units = prepared.units();
    if (task == null) {
      OpenAiError.unknownModel(request.model()).send(ctx.response());
      return;
    }
    // Synthetic traffic takes its parameters and replays from here (SCORING.md section 2).
    organic.record(task.spec().id(), request, bodyBytes);
    GatewayMetrics.TaskSeries series = metrics.task(task.spec().id());
    long started = System.nanoTime();
    if (request.stream()) {
      dispatcher.openStream(task, request, units, ApiVerticle.requestId(ctx)).onComplete(ar -> {
        if (ar.failed()) {
          dispatchFailed(ctx, request, ar.cause());
        } else {
          series.firstChunk(System.nanoTime() - started);
          new StreamForwarder(ctx.response(), ar.result(), (answer, done) -> served(key, task,
              series, started, done, task.usage(request, answer))).start();
        }
      });
      return;
    }
    List<TaskRequest> parts;
    try {
      parts = task.split(request);
    } catch (InvalidRequestException e) {
      OpenAiError.invalidRequest(e.getMessage(), e.param(), e.code()).send(ctx.response());
      return;
    }
    Future<List<Dispatcher.Served>> all = parts.size() == 1
        ? dispatcher.dispatch(task, parts.get(0), units, ApiVerticle.requestId(ctx))
            .map(List::of)
        : dispatcher.dispatchAll(task, parts,
            parts.stream().map(task::estimateUnits).toList(), ApiVerticle.requestId(ctx));
    all.onComplete(ar -> {
      if (ar.failed()) {
        dispatchFailed(ctx, request, ar.cause());
        return;
      }
      List<Dispatcher.Served> served = ar.result();
      // An unsplit request is answered as it was sent, with what split fixed (a zk nonce).
      TaskRequest asked = parts.size() == 1 ? parts.get(0) : request;
      long done = served.stream().mapToLong(Dispatcher.Served::units).sum();
      List<String> miners = served.stream().map(s -> s.miner().name()).toList();
      Delivery delivery = new Delivery(files, miners, (System.nanoTime() - started) / 1_000_000);
      Callable<CompletionStage<Rendered>> render = () -> {
        TaskAnswer answer = task.merge(asked,
            served.stream().map(Dispatcher.Served::answer).toList());
        Map<String, Long> counts = task.usage(asked, answer);
        return task.publicResponse(asked, answer, delivery)
            .thenApply(body -> new Rendered(body, counts));
      };
      // Answers heavy enough to be read on a worker (pictures) are rendered there too; files
      // they publish are stored before the body, which lists their URLs, is sent.
      Context context = ctx.vertx().getOrCreateContext();
      Future<CompletionStage<Rendered>> rendering = task.readsAnswersOnWorker()
          ? ctx.vertx().executeBlocking(render, false)
          : Future.future(p -> {
            try {
              p.complete(render.call());
            } catch (Exception e) {
              p.fail(e);
            }
          });
      rendering.compose(stage -> Future.fromCompletionStage(stage, context)).onComplete(r -> {
        if (r.failed()) {
          Throwable cause = r.cause() instanceof CompletionException e && e.getCause() != null
              ? e.getCause() : r.cause();
          if (cause instanceof io.assay.gateway.state.StateException) {
            // The answer is lost to this user: no URL may name a file that was not stored.
            OUTAGE.failed(log, kind.name() + " " + request.model() + " publishing files", cause);
            OpenAiError.serviceUnavailable("The gateway's store is temporarily unavailable, so"
                + " this answer's files could not be handed out by URL; try again shortly.", 2)
                .send(ctx.response());
            return;
          }
          log.error("{} {}: rendering the answer to request {} failed", kind.name(),
              request.model(), ApiVerticle.requestId(ctx), cause);
          OpenAiError.internal().send(ctx.response());
          return;
        }
        served(key, task, series, started, done, r.result().usage());
        ctx.response()
            .putHeader("Content-Type", "application/json")
            .putHeader(MINER_HEADER, String.join(",", miners))
            .end(Buffer.buffer(r.result().body()));
      });
    });
  }

  /** Records a served answer: the key's usage, and the task's duration and counts. */
  private void served(ApiKey key, Task task, GatewayMetrics.TaskSeries series, long started,
      long units, Map<String, Long> counts) {
    usage.served(key, task, units, counts);
    series.served(System.nanoTime() - started, units, counts);
  }

  /** A response body and the usage it records. */
  private record Rendered(byte[] body, Map<String, Long> usage) {}

  /** Names the miner that answered, for operators and tests. */
  static final String MINER_HEADER = "X-Assay-Miner";

  private void dispatchFailed(RoutingContext ctx, TaskRequest request, Throwable e) {
    if (e instanceof NoMinerAvailableException none) {
      OpenAiError.unavailable(none.getMessage(), none.retryAfterSeconds()).send(ctx.response());
    } else if (e instanceof io.assay.gateway.state.StateException) {
      OUTAGE.failed(log, kind.name() + " " + request.model(), e);
      OpenAiError.serviceUnavailable("The gateway's store is temporarily unavailable; try again"
          + " shortly.", 2).send(ctx.response());
    } else {
      log.error("{} {}: request {} failed", kind.name(), request.model(),
          ApiVerticle.requestId(ctx), e);
      OpenAiError.internal().send(ctx.response());
    }
  }
}
