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
  /** How long a cached key serves before it is read again. */
  public static final Duration REFRESH = Duration.ofSeconds(1);
  /** Characters of a token kept in clear to name it: the fixed part and 4 random ones. */
  private static final int SHOWN = TOKEN_PREFIX.length() + 4;
  /** Field of a key's hash: its balance in millionths of a credit; absent without a budget. */
  public static final String CREDIT = "credit";
  /** Field of a key's hash: work units served per minute, 0 or absent for no limit. */
  public static final String UNITS_PER_MINUTE = "upm";

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
    return create(name, role, new Limits(requestsPerMinute, 0, null));
  }

  /**
   * A key's limits.
   *
   * @param requestsPerMinute 0 for none
   * @param unitsPerMinute work units per minute (tokens, for text), 0 for none
   * @param creditMicros the prepaid balance, millionths of a credit; null for no budget
   */
  public record Limits(int requestsPerMinute, long unitsPerMinute, Long creditMicros) {}

  /** Creates a key with {@code limits} and returns its bearer token (shown this once only). */
  public Future<String> create(String name, ApiKey.Role role, Limits limits) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String hash = hash(token);
    Map<String, String> fields = Map.of(
        "name", name,
        "role", role.name().toLowerCase(),
        "rpm", Integer.toString(limits.requestsPerMinute()),
        UNITS_PER_MINUTE, Long.toString(limits.unitsPerMinute()),
        "prefix", token.substring(0, SHOWN),
        "created_at", Instant.now().toString());
    Future<Object> credit = limits.creditMicros() == null ? Future.succeededFuture()
        : Redis.on(redis.commands().set(Keys.credit(hash),
            Long.toString(limits.creditMicros()))).mapEmpty();
    return credit.compose(v -> Redis.on(redis.commands().hset(Keys.apiKey(hash), fields)))
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
    fields(hash).whenComplete((fields, error) -> {
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
  public record Listed(
      @com.fasterxml.jackson.annotation.JsonIgnore String hash,
      @com.fasterxml.jackson.annotation.JsonProperty("name") String name,
      @com.fasterxml.jackson.annotation.JsonProperty("prefix") String prefix,
      @com.fasterxml.jackson.annotation.JsonProperty("role") ApiKey.Role role,
      @com.fasterxml.jackson.annotation.JsonProperty("requests_per_minute") int requestsPerMinute,
      @com.fasterxml.jackson.annotation.JsonProperty("units_per_minute") long unitsPerMinute,
      @com.fasterxml.jackson.annotation.JsonProperty("credit") Double credit,
      @com.fasterxml.jackson.annotation.JsonProperty("created_at") String createdAt) {}

  /** Every key, by name. */
  public Future<java.util.List<Listed>> list() {
    return Redis.on(redis.commands().smembers(Keys.apiKeys())).compose(hashes -> {
      java.util.List<Future<Listed>> found = new java.util.ArrayList<>();
      for (String h : hashes) {
        found.add(listed(h));
      }
      return Future.all(found).map(done -> {
        java.util.List<Listed> keys = new java.util.ArrayList<>();
        found.forEach(r -> {
          if (r.result() != null) {
            keys.add(r.result());
          }
        });
        keys.sort(java.util.Comparator.comparing(Listed::name).thenComparing(Listed::prefix));
        return keys;
      });
    });
  }

  /** The key of {@code hash} as operators see it; null when there is none. */
  public Future<Listed> listed(String hash) {
    return Redis.on(fields(hash)).map(f -> parse(hash, f).map(k -> new Listed(hash, k.name(),
        f.getOrDefault("prefix", ""), k.role(), k.requestsPerMinute(), k.unitsPerMinute(),
        k.creditMicros() == null ? null : k.creditMicros() / 1e6,
        f.getOrDefault("created_at", ""))).orElse(null));
  }

  /** A key's stored fields, its balance (kept under its own Redis key) among them. */
  private CompletableFuture<Map<String, String>> fields(String hash) {
    return redis.commands().hgetall(Keys.apiKey(hash)).toCompletableFuture()
        .thenCombine(redis.commands().get(Keys.credit(hash)), ApiKeys::withCredit);
  }

  /** The keys whose token starts with {@code prefix} (the prefix {@link #list} shows). */
  public Future<java.util.List<Listed>> withPrefix(String prefix) {
    return list().map(keys -> keys.stream().filter(k -> !k.prefix().isEmpty()
        && (k.prefix().startsWith(prefix) || prefix.startsWith(k.prefix()))).toList());
  }

  /**
   * Changes a key's limits; null leaves a value as it is. {@code addCreditMicros} tops the
   * balance up atomically (a key without a budget gets one); {@code setCreditMicros} sets it.
   */
  public Future<Void> update(String hash, Integer requestsPerMinute, Long unitsPerMinute,
      Long setCreditMicros, Long addCreditMicros) {
    java.util.List<Future<?>> writes = new java.util.ArrayList<>();
    if (requestsPerMinute != null) {
      writes.add(Redis.on(redis.commands().hset(Keys.apiKey(hash), "rpm",
          Integer.toString(requestsPerMinute))));
    }
    if (unitsPerMinute != null) {
      writes.add(Redis.on(redis.commands().hset(Keys.apiKey(hash), UNITS_PER_MINUTE,
          Long.toString(unitsPerMinute))));
    }
    if (setCreditMicros != null) {
      writes.add(Redis.on(redis.commands().set(Keys.credit(hash),
          Long.toString(setCreditMicros))));
    }
    if (addCreditMicros != null) {
      writes.add(Redis.on(redis.commands().incrby(Keys.credit(hash), addCreditMicros)));
    }
    return Future.all(writes).map(done -> {
      cache.invalidate(hash);
      return null;
    });
  }

  /**
   * A key's usage by UTC day and task for the last {@code days} days, newest first: {@code
   * day -> task -> {requests, units, charged}} ({@code charged} in credits).
   */
  public Future<Map<String, Map<String, Map<String, Double>>>> usage(String hash, int days) {
    java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
    java.util.List<String> dayNames = new java.util.ArrayList<>();
    java.util.List<Future<Map<String, String>>> reads = new java.util.ArrayList<>();
    for (int i = 0; i < days; i++) {
      String day = today.minusDays(i).toString();
      dayNames.add(day);
      reads.add(Redis.on(redis.commands().hgetall(Keys.usageDay(hash, day))));
    }
    return Future.all(reads).map(done -> {
      Map<String, Map<String, Map<String, Double>>> byDay = new java.util.LinkedHashMap<>();
      for (int i = 0; i < days; i++) {
        Map<String, String> counts = reads.get(i).result();
        if (counts == null || counts.isEmpty()) {
          continue;
        }
        Map<String, Map<String, Double>> byTask = new java.util.TreeMap<>();
        counts.forEach((field, value) -> {
          int bar = field.lastIndexOf('|');
          if (bar > 0) {
            String name = field.substring(bar + 1);
            double n = number(value);
            byTask.computeIfAbsent(field.substring(0, bar), t -> new java.util.TreeMap<>())
                .put(name, name.equals("charged") ? n / 1e6 : n);
          }
        });
        byDay.put(dayNames.get(i), byTask);
      }
      return byDay;
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
    return list().compose(keys -> {
      java.util.List<Future<?>> revoked = new java.util.ArrayList<>();
      for (Listed k : keys) {
        if (name.equals(k.name()) && (prefix == null || prefix.equals(k.prefix()))) {
          revoked.add(Redis.on(redis.commands().del(Keys.apiKey(k.hash()), Keys.credit(k.hash())))
              .compose(v -> Redis.on(redis.commands().srem(Keys.apiKeys(), k.hash())))
              .onSuccess(v -> cache.invalidate(k.hash())));
        }
      }
      return Future.all(revoked).map(done -> revoked.size());
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

  /** The key's fields with its balance (kept under its own Redis key) added. */
  private static Map<String, String> withCredit(Map<String, String> fields, String credit) {
    if (credit == null || fields == null || fields.isEmpty()) {
      return fields;
    }
    Map<String, String> all = new java.util.HashMap<>(fields);
    all.put(CREDIT, credit);
    return all;
  }

  private static Optional<ApiKey> parse(String hash, Map<String, String> fields) {
    if (fields == null || fields.isEmpty()) {
      return Optional.empty();
    }
    ApiKey.Role role = "admin".equals(fields.get("role")) ? ApiKey.Role.ADMIN : ApiKey.Role.USER;
    String credit = fields.get(CREDIT);
    return Optional.of(new ApiKey(hash, fields.getOrDefault("name", ""), role,
        (int) number(fields.get("rpm")), number(fields.get(UNITS_PER_MINUTE)),
        credit == null ? null : number(credit)));
  }

  private static long number(String text) {
    try {
      return text == null ? 0 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
