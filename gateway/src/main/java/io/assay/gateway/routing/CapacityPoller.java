package io.assay.gateway.routing;

import io.assay.gateway.audit.EventStream;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.miner.CapacityDeclaration;
import io.assay.task.Json;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks every miner {@code GET /capacity} and records what it declares per task, clamped to the
 * task's {@code max_capacity}. A miner that does not answer, or answers nonsense, serves nothing
 * until it declares again; tasks the validator does not configure are ignored. The first
 * declaration a miner makes in a period is the one scored (a {@link CapacityDeclared} event,
 * written once across all gateways by {@code HSETNX}); later polls only refresh routing.
 */
public final class CapacityPoller {

  private static final Logger log = LoggerFactory.getLogger(CapacityPoller.class);

  private final MinerDirectory directory;
  private final Map<String, TaskConfig> tasks;
  private final Redis redis;
  private final EventStream events;
  private final Clock clock;
  private final long periodMillis;

  public CapacityPoller(MinerDirectory directory, Map<String, TaskConfig> tasks, Redis redis,
      EventStream events, Clock clock, Duration period) {
    this.directory = directory;
    this.tasks = tasks;
    this.redis = redis;
    this.events = events;
    this.clock = clock;
    this.periodMillis = period.toMillis();
  }

  public long currentPeriod() {
    return clock.millis() / periodMillis;
  }

  /**
   * Polls every miner once; completes when all have answered or failed and their declarations
   * are recorded.
   */
  public Future<Void> pollAll() {
    long period = currentPeriod();
    List<Future<Void>> polls = new ArrayList<>();
    for (MinerNode node : directory.all()) {
      polls.add(poll(node));
    }
    return Future.join(polls).<Void>mapEmpty()
        .onComplete(ar -> declaredThrough.accumulateAndGet(period, Math::max));
  }

  /**
   * The latest period whose declarations are all recorded (every miner polled in it), or -1
   * before the first poll: a weight computation after it, before the next poll, would see no
   * capacity for the new period.
   */
  public long declaredThrough() {
    return declaredThrough.get();
  }

  private final java.util.concurrent.atomic.AtomicLong declaredThrough =
      new java.util.concurrent.atomic.AtomicLong(-1);

  /** Polls one miner; never fails (a failure is recorded as "serves nothing"). */
  public Future<Void> poll(MinerNode node) {
    long period = currentPeriod();
    return node.client().call(HttpMethod.GET, "/capacity", new byte[0])
        .map(reply -> {
          if (reply.status() != 200) {
            throw new IllegalStateException("status " + reply.status() + " " + reply.errorText());
          }
          try {
            return Json.MAPPER.readValue(reply.body(), CapacityDeclaration.class);
          } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable declaration: " + e.getMessage(), e);
          }
        })
        .compose(declaration -> record(node, period, declaration))
        .recover(e -> {
          log.warn("miner {} did not declare capacity: {}", node.name(), e.getMessage());
          node.clearCapacity();
          return Future.succeededFuture();
        });
  }

  /** Books a declaration; completes when its events are written. */
  private Future<Void> record(MinerNode node, long period, CapacityDeclaration declaration) {
    if (declaration.tasks() == null) {
      node.clearCapacity();
      return Future.succeededFuture();
    }
    List<Future<Void>> writes = new ArrayList<>();
    for (Map.Entry<String, TaskConfig> e : tasks.entrySet()) {
      CapacityDeclaration.TaskCapacity declared = declaration.tasks().get(e.getKey());
      long volume = declared == null ? 0 : Math.max(0, Math.min(declared.volume(),
          e.getValue().maxCapacity()));
      node.declare(e.getKey(), period, volume);
      String task = e.getKey();
      writes.add(Redis.on(redis.commands().hsetnx(Keys.capacity(period),
          node.hotkey() + "|" + task, Long.toString(volume)))
          .compose(first -> Boolean.TRUE.equals(first)
              ? events.append(new CapacityDeclared(period, node.hotkey(), task, volume))
                  .<Void>mapEmpty()
              : Future.<Void>succeededFuture()));
    }
    return Future.join(writes).mapEmpty();
  }
}
