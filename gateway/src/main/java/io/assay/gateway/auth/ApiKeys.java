package io.assay.gateway.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
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
 * API keys, stored hashed in Redis and read through an in-process cache.
 *
 * <p>A lookup that hits the cache costs no Redis round trip, which keeps authentication off the
 * hot path's latency. Entries expire after {@code cacheTtl}, so a revoked key stops working within
 * that time on every gateway. Unknown keys are cached briefly too, so a flood of bad keys cannot
 * turn into a flood of Redis reads. Thread-safe.
 */
public final class ApiKeys {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TOKEN_PREFIX = "sk-assay-";

  private final Redis redis;
  private final AsyncCache<String, Optional<ApiKey>> cache;

  public ApiKeys(Redis redis, Duration cacheTtl) {
    this.redis = redis;
    this.cache = Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterWrite(cacheTtl)
        .buildAsync();
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
        "created_at", Instant.now().toString());
    return Redis.on(redis.commands().hset(Keys.apiKey(hash), fields))
        .compose(ignored -> Redis.on(redis.commands().sadd(Keys.apiKeys(), hash)))
        .map(ignored -> {
          cache.synchronous().invalidate(hash);
          return token;
        });
  }

  /** The key behind a bearer token, if any. */
  public Future<Optional<ApiKey>> find(String token) {
    String hash = hash(token);
    CompletableFuture<Optional<ApiKey>> cached = cache.getIfPresent(hash);
    if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
      return Future.succeededFuture(cached.join());
    }
    CompletableFuture<Optional<ApiKey>> loading = cache.get(hash, (h, executor) ->
        redis.commands().hgetall(Keys.apiKey(h)).toCompletableFuture()
            .thenApply(fields -> parse(h, fields)));
    return Redis.on(loading);
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
