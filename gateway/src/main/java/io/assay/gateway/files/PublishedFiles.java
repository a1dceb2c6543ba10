package io.assay.gateway.files;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.assay.task.FilePublisher;
import io.lettuce.core.KeyValue;
import io.vertx.core.Future;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Files the gateway hands out by URL (images asked for with {@code response_format: "url"}),
 * kept in Redis for a limited time under an unguessable id, as OpenAI's own image URLs are, so
 * that every gateway sharing the Redis serves every URL any of them handed out.
 *
 * <p>The id is 128 random bits, so holding a URL is the only way to fetch its file and no
 * credential is needed. A file expires {@code ttl} after it was published (Redis expires it); when
 * the files of all gateways together hold more than {@code maxBytes}, the oldest go first. Every
 * file lives equally long and is fetched once or twice, so first in, first out is the right order
 * (a frequency-based cache could drop a file the moment it is published).
 *
 * <p>The budget is kept by one script ({@link FileScript}) that stores a file, numbers it in an
 * index of every published file and adds its size to a counter, then drops the oldest while they
 * are over budget or already expired: the counter is changed only with the index, in one atomic
 * step, so it is always the sum of the indexed sizes; a file that expired by its TTL leaves the
 * index (and the counter) when the script next finds it missing at the front. Redis Cluster: see
 * {@link Keys#file}.
 *
 * <p>Thread-safe; nothing here blocks.
 */
public final class PublishedFiles implements FilePublisher {

  /** The path files are served under; the id follows it. */
  public static final String PATH = "/files/";

  private static final SecureRandom RANDOM = new SecureRandom();
  /** 22 base64url characters (128 bits), then the extension of the media type, if any. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}(\\.[a-z]{1,5})?");
  private static final byte[] TYPE = bytes("type");
  private static final byte[] CONTENT = bytes("content");

  private final Redis redis;
  private final long ttlMillis;
  private final long maxBytes;
  private final Supplier<String> baseUrl;

  /** A file, its media type and how much longer it is served. */
  public record File(byte[] content, String mediaType, Duration remaining) {}

  /**
   * @param ttl how long a file is served after it was published, at least a millisecond
   * @param maxBytes the most bytes all gateways sharing {@code redis} keep at once
   * @param baseUrl the gateway's public address, e.g. {@code https://api.example.com}; asked at
   *     each publish, since the port may be known only once the server listens
   */
  public PublishedFiles(Redis redis, Duration ttl, long maxBytes, Supplier<String> baseUrl) {
    if (ttl.toMillis() < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("files need a TTL of at least 1ms and a budget of at"
          + " least 1 byte, not " + ttl + " and " + maxBytes);
    }
    this.redis = redis;
    this.ttlMillis = ttl.toMillis();
    this.maxBytes = maxBytes;
    this.baseUrl = baseUrl;
  }

  /**
   * Stores {@code content} and completes with its URL once any gateway sharing the Redis serves
   * it; fails with a {@link io.assay.gateway.state.StateException} when Redis is away. Completes
   * on the caller's Vert.x context when there is one.
   */
  @Override
  public CompletionStage<URI> publish(byte[] content, String mediaType) {
    String id = newId(mediaType);
    return Redis.on(FileScript.publish(redis.binary(), id, content, mediaType, ttlMillis,
            maxBytes))
        .map(bytesKept -> URI.create(baseUrl.get() + PATH + id))
        .toCompletionStage();
  }

  /**
   * The file published under {@code id}, empty when it is unknown, expired or was pushed out;
   * fails with a {@link io.assay.gateway.state.StateException} when Redis is away. Completes on
   * the caller's context.
   */
  public Future<Optional<File>> get(String id) {
    if (!ID.matcher(id).matches()) {
      return Future.succeededFuture(Optional.empty());
    }
    byte[] key = bytes(Keys.file(id));
    // Both leave at once on the one connection: one round trip.
    Future<List<KeyValue<byte[], byte[]>>> fields = Redis.on(
        redis.binary().hmget(key, TYPE, CONTENT));
    Future<Long> ttl = Redis.on(redis.binary().pttl(key));
    return Future.all(fields, ttl).map(both -> {
      byte[] type = fields.result().get(0).getValueOrElse(null);
      byte[] content = fields.result().get(1).getValueOrElse(null);
      if (type == null || content == null) {
        return Optional.empty();
      }
      // Expired between the two commands (-2): it was there, serve it as the last time.
      Duration remaining = Duration.ofMillis(Math.max(0, ttl.result()));
      return Optional.of(new File(content, new String(type, StandardCharsets.UTF_8), remaining));
    });
  }

  private static String newId(String mediaType) {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bits) + extension(mediaType);
  }

  private static String extension(String mediaType) {
    return switch (mediaType) {
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      case "image/webp" -> ".webp";
      default -> "";
    };
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
