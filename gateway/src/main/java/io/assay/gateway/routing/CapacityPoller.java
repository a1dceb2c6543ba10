package io.assay.gateway.routing;

import io.assay.gateway.period.Timeline;
import io.assay.gateway.scoring.EventAppender;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.miner.CapacityDeclaration;
import io.assay.task.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every miner's {@code GET /capacity} and binds its first valid declaration of a period
 * (SCORING.md section 1).
 *
 * <p>At a period start every miner is asked; a miner that gives no valid answer is asked again
 * every quarter of the grace window until the window closes. The first valid answer received in
 * it binds, for the whole period, each configured task it names: the volume clamped to {@code
 * [0, max_capacity]} and the requests at once. Tasks it leaves out, and every task of a miner
 * that does not answer in time, have nothing bound and get no work. The binding is written once
 * across all gateways ({@code HSETNX}); a gateway that finds one already written binds that.
 *
 * <p>Later polls ({@link #healthCheck}) can neither raise, lower nor clear a binding: a miner
 * that stops answering them is still routed to, and what it then fails counts against it.
 */
public final class CapacityPoller {

  private static final Logger log = LoggerFactory.getLogger(CapacityPoller.class);
  private static final int MAX_CONCURRENCY = 100_000;

  private final MinerDirectory directory;
  private final Map<String, Long> maxCapacity;
  private final Redis redis;
  private final EventAppender events;
  private final Timeline timeline;
  private final long periodMillis;
  private final long graceMillis;
  private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
  private final BindingListener listener;
  private final CapacityLedger ledger;

  /** Told of every binding as it is made, on the poller's context. */
  @FunctionalInterface
  public interface BindingListener {
    void bound(MinerNode miner, String task, TaskCapacity capacity);
  }

  /**
   * @param maxCapacity task id to the most units a miner may declare for it per period
   *     ({@code tasks[].max_capacity}); a declaration above it binds at it
   * @param listener told of each binding (the test windows hold the window's share of it at
   *     once, before organic demand can use it up)
   * @param ledger where the capacity bound is leased from, shared by the gateways that share the
   *     store; null for a gateway alone
   */
  public CapacityPoller(MinerDirectory directory, Map<String, Long> maxCapacity, Redis redis,
      EventAppender events, Timeline timeline, long periodMillis, long graceMillis,
      BindingListener listener, CapacityLedger ledger) {
    this.ledger = ledger;
    this.directory = directory;
    this.maxCapacity = maxCapacity;
    this.redis = redis;
    this.events = events;
    this.timeline = timeline;
    this.periodMillis = periodMillis;
    this.graceMillis = graceMillis;
    this.listener = listener;
  }

  /**
   * Opens the binding of {@code period}: asks every miner now, and again until it gives a valid
   * answer or the grace window closes.
   *
   * @param graceFrom when the grace window started: the period start, or later for a gateway
   *     started mid-period (its own start opens a window, so it can serve at once)
   * @return completes when every miner answered the first round (bound or not)
   */
  public Future<Void> openPeriod(long period, long graceFrom) {
    long closes = graceFrom + graceMillis;
    List<Future<Void>> first = new ArrayList<>();
    for (MinerNode node : directory.all()) {
      first.add(bindUntil(node, period, closes));
    }
    return Future.join(first).mapEmpty();
  }

  private Future<Void> bindUntil(MinerNode node, long period, long closes) {
    Promise<Void> firstRound = Promise.promise();
    ask(node).compose(d -> bind(node, period, d)).onComplete(ar -> {
      if (ar.failed()) {
        long retry = timeline.now() + Math.max(1, graceMillis / 4);
        if (retry < closes && currentPeriod() == period) {
          timeline.at(retry, () -> bindUntil(node, period, closes));
        } else {
          log.warn("miner {} declared no capacity for period {}: {}", node.name(), period,
              ar.cause().getMessage());
        }
      }
      firstRound.complete();
    });
    return firstRound.future();
  }

  /** Asks every miner once; a failure is logged (once until it answers again), nothing else. */
  public void healthCheck() {
    for (MinerNode node : directory.all()) {
      node.capacities().values().forEach(TaskCapacity::giveBackIdle);
      ask(node).onComplete(ar -> {
        if (ar.succeeded()) {
          unhealthy.remove(node.hotkey());
        } else if (unhealthy.add(node.hotkey())) {
          log.warn("miner {} fails its capacity poll ({}); its declaration stands",
              node.name(), ar.cause().getMessage());
        }
      });
    }
  }

  private long currentPeriod() {
    return Math.floorDiv(timeline.now(), periodMillis);
  }

  private static Future<CapacityDeclaration> ask(MinerNode node) {
    return node.client().call(HttpMethod.GET, "/capacity", new byte[0]).map(reply -> {
      if (reply.status() != 200) {
        throw new IllegalStateException("status " + reply.status() + " " + reply.errorText());
      }
      try {
        return Json.MAPPER.readValue(reply.body(), CapacityDeclaration.class);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("unreadable declaration: " + e.getMessage(), e);
      }
    });
  }

  /** Binds a valid declaration; completes when its events are written. */
  private Future<Void> bind(MinerNode node, long period, CapacityDeclaration declaration) {
    Map<String, CapacityDeclaration.TaskCapacity> declared =
        declaration.tasks() == null ? Map.of() : declaration.tasks();
    List<Future<Void>> writes = new ArrayList<>();
    for (Map.Entry<String, Long> e : maxCapacity.entrySet()) {
      String task = e.getKey();
      CapacityDeclaration.TaskCapacity d = declared.get(task);
      long volume = d == null ? 0 : Math.max(0, Math.min(d.volume(), e.getValue()));
      int concurrency = volume == 0 ? 0 : Math.max(1, Math.min(d.maxConcurrency(),
          MAX_CONCURRENCY));
      writes.add(record(node, period, task, volume, concurrency));
    }
    return Future.join(writes).mapEmpty();
  }

  private Future<Void> record(MinerNode node, long period, String task, long volume,
      int concurrency) {
    String field = node.hotkey() + "|" + task;
    String value = volume + " " + concurrency;
    return Redis.on(redis.commands().hsetnx(Keys.capacity(period), field, value))
        .compose(first -> {
          if (Boolean.TRUE.equals(first)) {
            listener.bound(node, task, node.bind(task, period, volume, concurrency, ledger));
            return events.append(new CapacityDeclared(timeline.now(), period, node.hotkey(), task,
                volume, concurrency)).<Void>mapEmpty();
          }
          return Redis.on(redis.commands().hget(Keys.capacity(period), field)).map(bound -> {
            String[] parts = bound == null ? new String[0] : bound.trim().split(" ");
            long v = parts.length > 0 ? Long.parseLong(parts[0]) : volume;
            int c = parts.length > 1 ? Integer.parseInt(parts[1]) : concurrency;
            listener.bound(node, task, node.bind(task, period, v, c, ledger));
            return null;
          });
        });
  }
}
