package io.assay.gateway.routing;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.RedisScript;
import io.lettuce.core.ScriptOutputType;
import java.util.concurrent.CompletionStage;
import java.util.function.IntUnaryOperator;

/**
 * The count, in Redis, of what every gateway sharing it has leased of each miner's declared
 * capacity in a period (SCORING.md sections 1 and 2), so that however many gateways route to a
 * miner, it is never asked for more than it declared, nor more than {@code c_W} in its test
 * window. Gateways lease in blocks ({@link SharedCapacity}) so that requests do not wait on Redis.
 *
 * <p>One hash per period ({@link Keys#capacityLeased}); for each miner and task, fields
 * {@code <hotkey>|<task>|v} (volume leased, window leases included), {@code |w} (leased in the
 * test window) and {@code |r} ({@code "<c_W> <window end>"}: the volume held back for the window
 * until it ends, written by the leader when it assigns the window). Every script touches that one
 * key, so this runs on a Redis Cluster as it is.
 */
public final class CapacityLedger {

  /**
   * Leases volume outside the test window. KEYS: the period's hash. ARGV: field prefix, declared
   * {@code c}, units wanted, now (epoch ms), the hash's lifetime (ms). Leaves what the window
   * still needs until it ends. Returns the units granted (0: none left).
   */
  static final RedisScript LEASE_VOLUME = new RedisScript("""
      local p = ARGV[1]
      local leased = tonumber(redis.call('HGET', KEYS[1], p .. '|v') or '0')
      local held = 0
      local reserve = redis.call('HGET', KEYS[1], p .. '|r')
      if reserve then
        local cw, ends = string.match(reserve, '^(%d+) (%d+)$')
        if tonumber(ARGV[4]) < tonumber(ends) then
          local used = tonumber(redis.call('HGET', KEYS[1], p .. '|w') or '0')
          held = math.max(0, tonumber(cw) - used)
        end
      end
      local grant = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) - leased - held)
      if grant <= 0 then
        return 0
      end
      redis.call('HINCRBY', KEYS[1], p .. '|v', grant)
      redis.call('PEXPIRE', KEYS[1], ARGV[5])
      return grant
      """);

  /**
   * Leases volume in the test window. KEYS: the period's hash. ARGV: field prefix, declared
   * {@code c}, units wanted. A lease is granted while the window has been leased less than
   * {@code c_W} (so the first always is, and the last passes {@code c_W} by less than one lease,
   * as a lone gateway's last request does), and never past {@code c}. Returns the units granted.
   */
  static final RedisScript LEASE_WINDOW = new RedisScript("""
      local p = ARGV[1]
      local reserve = redis.call('HGET', KEYS[1], p .. '|r')
      if not reserve then
        return 0
      end
      local cw = tonumber(string.match(reserve, '^(%d+) '))
      local used = tonumber(redis.call('HGET', KEYS[1], p .. '|w') or '0')
      if used > 0 and used >= cw then
        return 0
      end
      local leased = tonumber(redis.call('HGET', KEYS[1], p .. '|v') or '0')
      local grant = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) - leased)
      if grant <= 0 then
        return 0
      end
      redis.call('HINCRBY', KEYS[1], p .. '|w', grant)
      redis.call('HINCRBY', KEYS[1], p .. '|v', grant)
      return grant
      """);

  /**
   * Gives back volume leased and not used. KEYS: the period's hash. ARGV: field prefix, units,
   * 1 when they were leased in the window.
   */
  static final RedisScript GIVE_BACK = new RedisScript("""
      local p = ARGV[1]
      redis.call('HINCRBY', KEYS[1], p .. '|v', -tonumber(ARGV[2]))
      if ARGV[3] == '1' then
        redis.call('HINCRBY', KEYS[1], p .. '|w', -tonumber(ARGV[2]))
      end
      return 1
      """);

  private final Redis redis;
  private final long keepMillis;
  private final IntUnaryOperator concurrencyShare;

  /**
   * @param keepMillis how long a period's hash lives after its last lease
   * @param concurrencyShare this gateway's share of a miner's declared concurrency (the
   *     gateways sharing the store split it)
   */
  public CapacityLedger(Redis redis, long keepMillis, IntUnaryOperator concurrencyShare) {
    this.redis = redis;
    this.keepMillis = keepMillis;
    this.concurrencyShare = concurrencyShare;
  }

  /** Leases up to {@code want} units of {@code field}'s volume outside its test window. */
  CompletionStage<Long> leaseVolume(long period, String field, long declared, long want,
      long now) {
    return run(LEASE_VOLUME, period, field, Long.toString(declared), Long.toString(want),
        Long.toString(now), Long.toString(keepMillis));
  }

  /** Leases up to {@code want} units of {@code field}'s test window. */
  CompletionStage<Long> leaseWindow(long period, String field, long declared, long want) {
    return run(LEASE_WINDOW, period, field, Long.toString(declared), Long.toString(want));
  }

  /** Gives back {@code units} leased and not used. */
  CompletionStage<Long> giveBack(long period, String field, long units, boolean window) {
    return run(GIVE_BACK, period, field, Long.toString(units), window ? "1" : "0");
  }

  /**
   * Holds {@code c_W} of {@code field}'s volume for its test window until {@code windowEnd};
   * written by the leader as it assigns the window, before the window starts.
   */
  public CompletionStage<Boolean> reserveWindow(long period, String field, long windowCapacity,
      long windowEnd) {
    return run(RESERVE_WINDOW, period, field, Long.toString(windowCapacity),
        Long.toString(windowEnd)).thenApply(changed -> changed == 1);
  }

  /**
   * Writes a window's hold, never raising one already written for the same window. KEYS: the
   * period's hash. ARGV: field prefix, {@code c_W}, the window's end. A hold only falls in a
   * window's life ({@code c * f} from the binding, the budget's {@code c_W} once the leader
   * assigns it, 0 at its end), so the smaller wins: a gateway that binds the declaration after
   * the leader assigned the window (a follower, or one started late) cannot put back the
   * uncapped {@code c * f} and let the window lease past {@code c_W}. Returns 1 when written.
   */
  static final RedisScript RESERVE_WINDOW = new RedisScript("""
      local p = ARGV[1]
      local old = redis.call('HGET', KEYS[1], p .. '|r')
      if old then
        local cw, ends = string.match(old, '^(%d+) (%d+)$')
        if ends == ARGV[3] and tonumber(cw) <= tonumber(ARGV[2]) then
          return 0
        end
      end
      redis.call('HSET', KEYS[1], p .. '|r', ARGV[2] .. ' ' .. ARGV[3])
      return 1
      """);

  /**
   * What was leased in {@code field}'s test window across the gateways: at its end, what the
   * window asked (leases not used count as asked: at most a block a gateway).
   */
  public CompletionStage<Long> windowLeased(long period, String field) {
    return redis.commands().hget(Keys.capacityLeased(period), field + "|w")
        .thenApply(v -> v == null ? 0 : Long.parseLong(v));
  }

  /** This gateway's share of a declared concurrency. */
  int concurrencyShare(int declared) {
    return concurrencyShare.applyAsInt(declared);
  }

  private CompletionStage<Long> run(RedisScript script, long period, String field,
      String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = field;
    System.arraycopy(args, 0, argv, 1, args.length);
    return script.run(redis, redis.commands(), ScriptOutputType.INTEGER,
        new String[] {Keys.capacityLeased(period)}, argv);
  }
}
