package io.assay.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Moves keys from the names an earlier version wrote to the names of this one, at start-up: keys
 * that scripts touch together gained hash tags so that a Redis Cluster keeps them in one slot,
 * and a validator's existing Redis still holds API keys, usage, queued checks and the scoring
 * events under the old names.
 *
 * <p>Each key moves in one script that renames it only when it exists and its new name does not,
 * so running this again, or from several gateways and checking servers at once, moves nothing
 * twice and loses nothing. A key found under both names (only if an old-version process wrote on
 * after the move) is left as it is and reported. A Redis Cluster needs no move, as no earlier
 * version ran on one; {@link #apply} is for a single server. Every process sharing the Redis must
 * run this version: an old one would go on writing the old names.
 */
public final class KeyRenames {

  private static final String MOVE = """
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
      redis.call('RENAME', KEYS[1], KEYS[2])
      return 1
      """;
  private static final long TIMEOUT_SECONDS = 30;
  private static final int SCAN_PAGE = 1_000;

  /** Which old names to move, and where. */
  public sealed interface Rule {

    /** The old names to look at: one exact name, or a {@code SCAN MATCH} pattern. */
    String pattern();

    /** The new name of {@code old}, or empty when {@code old} is not one of this rule's. */
    Optional<String> rename(String old);
  }

  /** One key, from {@code from} to {@code to}. */
  public static Rule exact(String from, String to) {
    return new Exact(from, to);
  }

  /**
   * Every key {@code prefix + id} or {@code prefix + id + ":" + rest} whose id has no hash tag
   * yet, to {@code prefix + "{" + id + "}"} (and the same rest).
   */
  public static Rule tagAfter(String prefix) {
    return new TagAfter(prefix);
  }

  /** What a run did. */
  public record Outcome(int moved, List<String> leftInBoth) {}

  private record Exact(String from, String to) implements Rule {

    @Override
    public String pattern() {
      return from;
    }

    @Override
    public Optional<String> rename(String old) {
      return old.equals(from) ? Optional.of(to) : Optional.empty();
    }
  }

  private record TagAfter(String prefix) implements Rule {

    @Override
    public String pattern() {
      return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
    }

    @Override
    public Optional<String> rename(String old) {
      if (!old.startsWith(prefix) || old.length() == prefix.length()) {
        return Optional.empty();
      }
      String tail = old.substring(prefix.length());
      if (tail.contains("{")) {
        return Optional.empty();
      }
      int colon = tail.indexOf(':');
      String id = colon < 0 ? tail : tail.substring(0, colon);
      String rest = colon < 0 ? "" : tail.substring(colon);
      return Optional.of(prefix + "{" + id + "}" + rest);
    }
  }

  private final List<Rule> rules;

  private KeyRenames(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static KeyRenames of(List<Rule> rules) {
    return new KeyRenames(rules);
  }

  /**
   * Moves every old name on the single server {@code redis} talks to (blocking; call at
   * start-up, off any event loop).
   *
   * @throws IllegalStateException when Redis refuses or does not answer in time
   */
  public Outcome apply(RedisClusterAsyncCommands<String, String> redis) {
    int moved = 0;
    List<String> both = new ArrayList<>();
    for (Rule rule : rules) {
      for (String old : names(redis, rule)) {
        Optional<String> renamed = rule.rename(old);
        if (renamed.isEmpty()) {
          continue;
        }
        long result = await(redis.<Long>eval(MOVE, ScriptOutputType.INTEGER,
            old, renamed.get()), "move " + old);
        if (result == 1) {
          moved++;
        } else if (result == -1) {
          both.add(old + " -> " + renamed.get());
        }
      }
    }
    return new Outcome(moved, both);
  }

  private static List<String> names(RedisClusterAsyncCommands<String, String> redis, Rule rule) {
    if (rule instanceof Exact exact) {
      return List.of(exact.from());
    }
    List<String> names = new ArrayList<>();
    ScanArgs match = ScanArgs.Builder.matches(rule.pattern()).limit(SCAN_PAGE);
    KeyScanCursor<String> cursor = await(redis.scan(match), "scan " + rule.pattern());
    names.addAll(cursor.getKeys());
    while (!cursor.isFinished()) {
      cursor = await(redis.scan(ScanCursor.of(cursor.getCursor()), match),
          "scan " + rule.pattern());
      names.addAll(cursor.getKeys());
    }
    return names;
  }

  private static <T> T await(CompletionStage<T> stage, String what) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted trying to " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot " + what + " in Redis: " + cause.getMessage(),
          cause);
    }
  }
}
