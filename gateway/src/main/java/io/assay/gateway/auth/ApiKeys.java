package io.assay.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * API keys, stored hashed in Redis (with a short prefix of the token, to tell keys apart) and
 * read through an in-process cache.
 *
 * <p>A lookup that hits a fresh entry costs no Redis round trip, which keeps authentication off
 * the hot path's latency. An entry older than {@link #REFRESH} is read again before it is used
 * (one read for all the requests that wait on it), so a revoked key stops working within a second
 * on every gateway; while Redis is away, the entry serves as it was until {@code cacheTtl}.
 * Unknown keys are cached too, so a flood of bad keys cannot turn into a flood of Redis reads.
 * Thread-safe.
 */
public final class ApiKeys {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TOKEN_PREFIX = "sk-assay-";
  /** How long a cached key serves before it is read again (in the background). */
  public static final Duration REFRESH = Duration.ofSeconds(1);
  /** Characters of a token kept in clear to name it: the fixed part and 4 random ones. */
  private static final int SHOWN = TOKEN_PREFIX.length() + 4;

  private final Redis redis;
  /** What each key hash was found to be, and when (System.nanoTime). */
  private final Cache<String, Found> cache;
  /** Reads under way, one per hash, shared by the requests waiting on it. */
  private final Map<String, CompletableFuture<Optional<ApiKey>>> reads =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Found(Optional<ApiKey> key, long atNanos) {}

  public ApiKeys(Redis redis, Duration cacheTtl) {
    this.redis = redis;
    this.cache = Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterWrite(cacheTtl)
        .build();
  }

  /** Creates a key and returns its bearer token: the only time the token exists in clear. */
  public Future<String> create(String name, ApiKey.Role role, int requestsPerMinute) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String hash = hash(token);
    Map<String, String> fields = Map.of(
        "name", name,
        "role", role.name().toLowerCase(),
        "rpm", Integer.toString(requestsPerMinute),
        "prefix", token.substring(0, SHOWN),
        "created_at", Instant.now().toString());
    return Redis.on(redis.commands().hset(Keys.apiKey(hash), fields))
        .compose(ignored -> Redis.on(redis.commands().sadd(Keys.apiKeys(), hash)))
        .map(ignored -> {
          cache.invalidate(hash);
          return token;
        });
  }

  /** The key behind a bearer token, if any. */
  public Future<Optional<ApiKey>> find(String token) {
    String hash = hash(token);
    Found known = cache.getIfPresent(hash);
    if (known != null && System.nanoTime() - known.atNanos() < REFRESH.toNanos()) {
      return Future.succeededFuture(known.key());
    }
    return Redis.on(read(hash).handle((key, error) -> {
      if (error == null) {
        return key;
      }
      if (known != null) {
        return known.key(); // Redis away: as it was, until the entry expires
      }
      throw error instanceof java.util.concurrent.CompletionException c ? c
          : new java.util.concurrent.CompletionException(error);
    }));
  }

  private CompletableFuture<Optional<ApiKey>> read(String hash) {
    CompletableFuture<Optional<ApiKey>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<ApiKey>> underWay = reads.putIfAbsent(hash, mine);
    if (underWay != null) {
      return underWay;
    }
    redis.commands().hgetall(Keys.apiKey(hash)).whenComplete((fields, error) -> {
      reads.remove(hash, mine);
      if (error != null) {
        mine.completeExceptionally(error);
      } else {
        Optional<ApiKey> key = parse(hash, fields);
        cache.put(hash, new Found(key, System.nanoTime()));
        mine.complete(key);
      }
    });
    return mine;
  }

  /** A key as operators see it: never the token, only its first characters. */
  public record Listed(String name, String prefix, ApiKey.Role role, int requestsPerMinute,
      String createdAt) {}

  /** Every key, by name. */
  public Future<java.util.List<Listed>> list() {
    return Redis.on(redis.commands().smembers(Keys.apiKeys())).compose(hashes -> {
      java.util.List<Future<Map<String, String>>> reads = new java.util.ArrayList<>();
      for (String h : hashes) {
        reads.add(Redis.on(redis.commands().hgetall(Keys.apiKey(h))));
      }
      return Future.all(reads).map(done -> {
        java.util.List<Listed> keys = new java.util.ArrayList<>();
        for (Future<Map<String, String>> read : reads) {
          Map<String, String> f = read.result();
          parse("", f).ifPresent(k -> keys.add(new Listed(k.name(),
              f.getOrDefault("prefix", ""), k.role(), k.requestsPerMinute(),
              f.getOrDefault("created_at", ""))));
        }
        keys.sort(java.util.Comparator.comparing(Listed::name).thenComparing(Listed::prefix));
        return keys;
      });
    });
  }

  /** Whether any admin key exists. */
  public Future<Boolean> anyAdmin() {
    return list().map(keys -> keys.stream().anyMatch(k -> k.role() == ApiKey.Role.ADMIN));
  }

  /**
   * Revokes the keys named {@code name}, or only the one whose token starts with {@code prefix}
   * when it is given (names need not be unique). Every gateway stops taking them within about
   * {@link #REFRESH}.
   *
   * @return how many keys were revoked
   */
  public Future<Integer> revoke(String name, String prefix) {
    return Redis.on(redis.commands().smembers(Keys.apiKeys())).compose(hashes -> {
      java.util.List<Future<Integer>> revoked = new java.util.ArrayList<>();
      for (String h : hashes) {
        revoked.add(Redis.on(redis.commands().hgetall(Keys.apiKey(h))).compose(f -> {
          boolean match = name.equals(f.get("name"))
              && (prefix == null || prefix.equals(f.get("prefix")));
          if (!match) {
            return Future.succeededFuture(0);
          }
          return Redis.on(redis.commands().del(Keys.apiKey(h)))
              .compose(v -> Redis.on(redis.commands().srem(Keys.apiKeys(), h)))
              .map(v -> {
                cache.invalidate(h);
                return 1;
              });
        }));
      }
      return Future.all(revoked).map(done -> revoked.stream().mapToInt(Future::result).sum());
    });
  }

  public static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Optional<ApiKey> parse(String hash, Map<String, String> fields) {
    if (fields == null || fields.isEmpty()) {
      return Optional.empty();
    }
    ApiKey.Role role = "admin".equals(fields.get("role")) ? ApiKey.Role.ADMIN : ApiKey.Role.USER;
    int rpm;
    try {
      rpm = Integer.parseInt(fields.getOrDefault("rpm", "0"));
    } catch (NumberFormatException e) {
      rpm = 0;
    }
    return Optional.of(new ApiKey(hash, fields.getOrDefault("name", ""), role, rpm));
  }
}
