package io.assay.gateway.weights;

import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.WeightCalculator;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the weight computation on a cadence (and on demand): reads the event log, computes on a
 * worker thread (it is CPU work over the whole log), keeps the report as the latest, appends it
 * to the history and hands it to the listener (routing's task scores).
 *
 * <p>The computation reads its parameters from the log ({@code params} events), so a report
 * depends on nothing but the events it saw and its time.
 */
public final class WeightsService {

  private static final Logger log = LoggerFactory.getLogger(WeightsService.class);
  private static final int HISTORY_KEPT = 10_000;

  private final Vertx vertx;
  private final EventStream events;
  private final Redis redis;
  private final Clock clock;
  private final Consumer<WeightReport> onComputed;
  private volatile WeightReport latest;

  /**
   * @param onComputed told of every new report, on the computing context
   */
  public WeightsService(Vertx vertx, EventStream events, Redis redis, Clock clock,
      Consumer<WeightReport> onComputed) {
    this.vertx = vertx;
    this.events = events;
    this.redis = redis;
    this.clock = clock;
    this.onComputed = onComputed;
  }

  /** The latest report, or null before the first computation. */
  public WeightReport latest() {
    return latest;
  }

  /** Computes the weights as of now from every event recorded so far, and records them. */
  public Future<WeightReport> compute() {
    return compute(clock.millis());
  }

  /**
   * Computes the weights as they stood at {@code computedAt} (epoch millis; events after it are
   * ignored), and records the computation.
   */
  public Future<WeightReport> compute(long computedAt) {
    return events.readAll().compose(entries -> {
      if (entries.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("no scoring events yet"));
      }
      String upto = entries.get(entries.size() - 1).id();
      List<ScoringEvent> list = new ArrayList<>(entries.size());
      entries.forEach(e -> list.add(e.event()));
      return vertx.executeBlocking(() -> WeightCalculator.compute(list, computedAt), false)
          .compose(report -> store(report, upto));
    });
  }

  /** The recorded computations, newest first. */
  public Future<List<Computation>> history(int limit) {
    return Redis.on(redis.commands().lrange(Keys.weightsHistory(), 0, limit - 1)).map(rows -> {
      List<Computation> out = new ArrayList<>(rows.size());
      for (String row : rows) {
        try {
          out.add(Json.MAPPER.readValue(row, Computation.class));
        } catch (java.io.IOException e) {
          log.warn("unreadable weights history entry skipped: {}", e.getMessage());
        }
      }
      return out;
    });
  }

  private Future<WeightReport> store(WeightReport report, String upto) {
    latest = report;
    onComputed.accept(report);
    Computation computation = new Computation(report.computedAt(), upto, report.taskWeights(),
        report.weights(), report.weightsU16());
    String json;
    String full;
    try {
      json = Json.MAPPER.writeValueAsString(computation);
      full = Json.MAPPER.writeValueAsString(report);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Future.failedFuture(e);
    }
    return Redis.on(redis.commands().lpush(Keys.weightsHistory(), json))
        .compose(n -> Redis.on(redis.commands().ltrim(Keys.weightsHistory(), 0, HISTORY_KEPT - 1)))
        .compose(ok -> Redis.on(redis.commands().set(Keys.weightsLatest(), full)))
        .map(ok -> report);
  }

  /** Loads the latest report kept in Redis (after a restart). */
  public Future<Void> loadLatest() {
    return Redis.on(redis.commands().get(Keys.weightsLatest())).map(json -> {
      if (json != null) {
        try {
          latest = Json.MAPPER.readValue(json, WeightReport.class);
          onComputed.accept(latest);
        } catch (java.io.IOException e) {
          log.warn("latest weights unreadable, recomputing later: {}", e.getMessage());
        }
      }
      return null;
    });
  }
}
