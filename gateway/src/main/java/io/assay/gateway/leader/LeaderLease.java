package io.assay.gateway.leader;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which one of the gateways sharing a Redis does the work that must happen once per validator:
 * planning each period's test windows, computing weights, checking receipt roots and sweeping
 * verdict timeouts (DESIGN.md, "State"). The leader holds a lease in Redis that expires unless
 * renewed; each new holder gets a larger <b>fencing token</b>, which its writes carry so that a
 * leader that stalled past its lease (a long pause, a partition) cannot overwrite the work of the
 * one that replaced it ({@code weights/WeightsFence}).
 *
 * <p>Every gateway tries to take the lease every {@code ttl / 3}; the holder renews it then. A
 * holder that could not renew for {@code ttl / 2} (Redis away, say) stops acting as leader at
 * once, before its lease can have passed to another gateway. A leader that dies outright is
 * replaced within {@code ttl + ttl / 3}; one that stops cleanly gives the lease up ({@link
 * #close}) and is replaced within {@code ttl / 3}. A gateway restarted on the same data directory
 * takes the lease of its own dead predecessor at once ({@code predecessor}).
 *
 * <p>One timer per gateway, never per request. Callbacks run on the Vert.x context the lease was
 * started on.
 */
public final class LeaderLease implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  /**
   * Takes or renews the lease. KEYS: the lease ({@code "<token> <holder>"}), the token counter.
   * ARGV: this gateway's holder id, the lease's length in ms, the holder id of this gateway's
   * predecessor on its data directory (or ""). Returns the holder's fencing token, or 0 when
   * another gateway holds the lease.
   */
  static final RedisScript ACQUIRE = new RedisScript("""
      local current = redis.call('GET', KEYS[1])
      if current then
        local token, holder = string.match(current, '^(%d+) (.+)$')
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return tonumber(token)
        end
        if holder ~= ARGV[3] then
          return 0
        end
      end
      local token = redis.call('INCR', KEYS[2])
      redis.call('SET', KEYS[1], token .. ' ' .. ARGV[1], 'PX', ARGV[2])
      return token
      """);

  /** Gives the lease up if this holder has it. KEYS: the lease. ARGV: the holder id. */
  static final RedisScript RELEASE = new RedisScript("""
      local current = redis.call('GET', KEYS[1])
      if current and string.match(current, '^%d+ (.+)$') == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """);

  /**
   * Counts this gateway among the live ones and lists them. KEYS: the roster (members by expiry),
   * the lease. ARGV: holder id, its expiry (epoch ms), now (epoch ms). Returns the lease's value
   * (or false), then every live holder.
   */
  static final RedisScript ROSTER = new RedisScript("""
      redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
      local out = {redis.call('GET', KEYS[2])}
      for _, holder in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
        out[#out + 1] = holder
      end
      return out
      """);

  private final Redis redis;
  private final Vertx vertx;
  private final String holder;
  private final String predecessor;
  private final long ttlMillis;
  private final List<LongConsumer> onGained = new CopyOnWriteArrayList<>();
  private volatile long token;
  /**
   * When the lease was last taken or renewed ({@link System#nanoTime}: lease times are real
   * elapsed time, whatever clock the gateway scores by); meaningful while a holder.
   */
  private volatile long renewedAt;
  private long timer = -1;
  /** Live gateways, the leader first and the rest by id; this one alone until first heard. */
  private volatile List<String> roster;

  /**
   * @param holder this gateway's id in the lease, unique per process
   * @param predecessor the id of the last process on this gateway's data directory, or null
   */
  public LeaderLease(Redis redis, Vertx vertx, String holder, String predecessor,
      Duration ttl) {
    this.redis = redis;
    this.vertx = vertx;
    this.holder = holder;
    this.predecessor = predecessor == null ? "" : predecessor;
    this.ttlMillis = ttl.toMillis();
    this.roster = List.of(holder);
  }

  /** Runs {@code action} with the new fencing token each time this gateway becomes leader. */
  public void onGained(LongConsumer action) {
    onGained.add(action);
  }

  /**
   * Tries for the lease once, then every {@code ttl / 3}; call on the Vert.x context the
   * callbacks should run on.
   *
   * @return completes after the first try, leader or not
   */
  public Future<Void> start() {
    long every = Math.max(1, ttlMillis / 3);
    timer = vertx.setPeriodic(every, every, id -> tryOnce());
    return tryOnce();
  }

  /** Whether this gateway leads now. */
  public boolean isLeader() {
    return token > 0 && System.nanoTime() - renewedAt < ttlMillis * 500_000;
  }

  /** The fencing token of this gateway's current lease, or 0 when it does not lead. */
  public long token() {
    return isLeader() ? token : 0;
  }

  /** This gateway's id in the lease. */
  public String holder() {
    return holder;
  }

  /** The lease's holder now, as Redis has it ({@code "<token> <holder>"}), or null. */
  public Future<String> current() {
    return Redis.on(redis.commands().get(Keys.leaderLease()));
  }

  /**
   * This gateway's share of a miner's {@code declared} concurrency: the live gateways split it,
   * the leader (which runs the test windows) taking a remainder first, so that together they
   * never have more requests at once at the miner than it declared. A gateway whose share is 0
   * leaves the miner to the others.
   */
  public int share(int declared) {
    List<String> live = roster;
    int n = live.size();
    int rank = Math.max(0, live.indexOf(holder));
    return declared / n + (rank < declared % n ? 1 : 0);
  }

  /** How many gateways share the store now, as last heard. */
  public int gateways() {
    return roster.size();
  }

  private Future<Void> tryOnce() {
    return acquire().compose(v -> listGateways());
  }

  private Future<Void> listGateways() {
    long now = System.currentTimeMillis();
    return Redis.on(ROSTER.<List<Object>>run(redis, redis.commands(), ScriptOutputType.MULTI,
            new String[] {Keys.gateways(), Keys.leaderLease()}, holder,
            Long.toString(now + ttlMillis), Long.toString(now)))
        .transform(ar -> {
          if (ar.succeeded()) {
            roster = order(ar.result());
          } else {
            log.debug("gateways not listed: {}", ar.cause().getMessage());
          }
          return Future.succeededFuture();
        });
  }

  /** The roster from the script's reply: the leader first, then the others by id. */
  private List<String> order(List<Object> reply) {
    Object lease = reply.isEmpty() ? null : reply.get(0);
    String leader = lease instanceof String l ? l.substring(l.indexOf(' ') + 1) : null;
    java.util.TreeSet<String> others = new java.util.TreeSet<>();
    for (int i = 1; i < reply.size(); i++) {
      others.add(String.valueOf(reply.get(i)));
    }
    others.add(holder);
    List<String> out = new java.util.ArrayList<>();
    if (leader != null && others.remove(leader)) {
      out.add(leader);
    }
    out.addAll(others);
    return List.copyOf(out);
  }

  private Future<Void> acquire() {
    long askedAt = System.nanoTime();
    return Redis.on(ACQUIRE.<Long>run(redis, redis.commands(), ScriptOutputType.INTEGER,
            new String[] {Keys.leaderLease(), Keys.leaderToken()}, holder,
            Long.toString(ttlMillis), predecessor))
        .transform(ar -> {
          if (ar.succeeded() && ar.result() > 0) {
            long was = token;
            token = ar.result();
            // From when it was asked: the lease may have started any time after that.
            renewedAt = askedAt;
            if (was != token) {
              log.info("this gateway leads (fencing token {})", token);
              onGained.forEach(a -> a.accept(token));
            }
          } else {
            if (ar.failed()) {
              log.debug("leader lease not renewed: {}", ar.cause().getMessage());
            }
            if (ar.succeeded() || !isLeader()) {
              stepDown();
            }
          }
          return Future.succeededFuture();
        });
  }

  private void stepDown() {
    if (token > 0) {
      log.info("this gateway no longer leads (fencing token {})", token);
      token = 0;
    }
  }

  /** Stops trying and gives the lease up, so another gateway takes over within {@code ttl / 3}. */
  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (token > 0) {
      token = 0;
      try {
        RELEASE.<Long>run(redis, redis.commands(), ScriptOutputType.INTEGER,
                new String[] {Keys.leaderLease()}, holder)
            .toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("leader lease not given up (it expires by itself): {}", e.getMessage());
      }
    }
  }
}
