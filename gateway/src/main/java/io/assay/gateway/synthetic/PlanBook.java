package io.assay.gateway.synthetic;

import com.fasterxml.jackson.core.type.TypeReference;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.gateway.synthetic.TestWindows.Assignment;
import io.assay.gateway.synthetic.TestWindows.Plan;
import io.assay.task.Json;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each period's test windows are written down as the leader draws and assigns them, so that
 * whichever gateway leads, a period is planned once, each window assigned once and its end
 * recorded once: a gateway that takes the lease mid-period carries on with its predecessor's
 * plan instead of drawing a second one ({@link TestWindows#resume}).
 *
 * <p>Every entry is written first-wins ({@code SET NX}, {@code HSETNX}); the loser reads and uses
 * the winner's. Each command touches one key, so this works on a Redis Cluster as it is. {@link
 * #local} keeps the same entries in memory, for one gateway alone.
 */
public class PlanBook {

  private static final TypeReference<List<Plan>> PLANS = new TypeReference<>() {};

  private final Redis redis;
  private final long keepMillis;

  /**
   * @param keepMillis how long a period's entries are kept after they are written (a few
   *     periods: only the current one is read)
   */
  public PlanBook(Redis redis, long keepMillis) {
    this.redis = redis;
    this.keepMillis = keepMillis;
  }

  /** A book in this gateway's memory, for a gateway that shares no store. */
  public static PlanBook local() {
    return new Local();
  }

  /**
   * Writes {@code drawn} as {@code period}'s plans unless plans were written first.
   *
   * @return the period's plans: {@code drawn}, or those written before
   */
  public Future<List<Plan>> claim(long period, List<Plan> drawn) {
    String json = write(drawn);
    return Redis.on(redis.commands().set(Keys.testPlans(period), json,
            io.lettuce.core.SetArgs.Builder.nx().px(keepMillis)))
        .compose(ok -> ok != null ? Future.succeededFuture(drawn) : find(period)
            .map(stored -> stored == null ? drawn : stored));
  }

  /** {@code period}'s plans, or null when none were written. */
  public Future<List<Plan>> find(long period) {
    return Redis.on(redis.commands().get(Keys.testPlans(period)))
        .map(json -> json == null ? null : read(json, PLANS));
  }

  /**
   * Writes how {@code plan}'s window was assigned, unless it was written first.
   *
   * @return the assignment that holds: {@code made}, or the one written before
   */
  public Future<Assignment> assign(Plan plan, Assignment made) {
    String key = Keys.testAssignments(plan.period());
    return Redis.on(redis.commands().hsetnx(key, plan.task(), write(made)))
        .compose(set -> Redis.on(redis.commands().pexpire(key, keepMillis)).map(set))
        .compose(set -> set ? Future.succeededFuture(made) : assignment(plan)
            .map(stored -> stored == null ? made : stored));
  }

  /** How {@code plan}'s window was assigned, or null when it was not yet. */
  public Future<Assignment> assignment(Plan plan) {
    return Redis.on(redis.commands().hget(Keys.testAssignments(plan.period()), plan.task()))
        .map(json -> json == null ? null : read(json, new TypeReference<Assignment>() {}));
  }

  /** Whether this caller is the first to record the end of {@code plan}'s window. */
  public Future<Boolean> claimEnd(Plan plan) {
    return Redis.on(redis.commands().hsetnx(Keys.testAssignments(plan.period()),
        plan.task() + "|closed", "1"));
  }

  private static String write(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a test plan does not serialise", e);
    }
  }

  private static <T> T read(String json, TypeReference<T> type) {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new IllegalStateException("an unreadable test plan in Redis: " + e.getMessage(), e);
    }
  }

  /** The same entries in memory, for the current period and the two before it. */
  private static final class Local extends PlanBook {
    private record Window(long period, String task) {}

    private final Map<Long, List<Plan>> plans = new ConcurrentHashMap<>();
    private final Map<Window, Assignment> assignments = new ConcurrentHashMap<>();
    private final Map<Window, Boolean> ended = new ConcurrentHashMap<>();

    Local() {
      super(null, 0);
    }

    @Override
    public Future<List<Plan>> claim(long period, List<Plan> drawn) {
      plans.keySet().removeIf(p -> p < period - 2);
      assignments.keySet().removeIf(w -> w.period() < period - 2);
      ended.keySet().removeIf(w -> w.period() < period - 2);
      return Future.succeededFuture(plans.computeIfAbsent(period, p -> drawn));
    }

    @Override
    public Future<List<Plan>> find(long period) {
      return Future.succeededFuture(plans.get(period));
    }

    @Override
    public Future<Assignment> assign(Plan plan, Assignment made) {
      return Future.succeededFuture(assignments.computeIfAbsent(
          new Window(plan.period(), plan.task()), k -> made));
    }

    @Override
    public Future<Assignment> assignment(Plan plan) {
      return Future.succeededFuture(assignments.get(new Window(plan.period(), plan.task())));
    }

    @Override
    public Future<Boolean> claimEnd(Plan plan) {
      return Future.succeededFuture(
          ended.putIfAbsent(new Window(plan.period(), plan.task()), true) == null);
    }
  }
}
