package io.assay.gateway.files;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.assay.task.FilePublisher;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Files the gateway hands out by URL (images asked for with {@code response_format: "url"}),
 * kept in memory for a limited time under an unguessable id, as OpenAI's own image URLs are.
 *
 * <p>The id is 128 random bits, so holding a URL is the only way to fetch its file and no
 * credential is needed. Files expire {@code ttl} after they were published; when more than
 * {@code maxBytes} are kept, the least recently used go first. Memory, not Redis, holds them:
 * a URL lives minutes to an hour and is fetched once or twice, so surviving a restart is not
 * worth a round of multi-megabyte writes per image.
 */
public final class PublishedFiles implements FilePublisher {

  /** The path files are served under; the id follows it. */
  public static final String PATH = "/files/";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Cache<String, File> files;
  private final Supplier<String> baseUrl;

  /** A file and its media type. */
  public record File(byte[] content, String mediaType) {}

  /**
   * @param baseUrl the gateway's public address, e.g. {@code https://api.example.com}; asked at
   *     each publish, since the port may be known only once the server listens
   */
  public PublishedFiles(Duration ttl, long maxBytes, Supplier<String> baseUrl) {
    this.files = Caffeine.newBuilder()
        .expireAfterWrite(ttl)
        .maximumWeight(maxBytes)
        .weigher((String id, File f) -> f.content().length)
        .build();
    this.baseUrl = baseUrl;
  }

  @Override
  public URI publish(byte[] content, String mediaType) {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bits)
        + extension(mediaType);
    files.put(id, new File(content, mediaType));
    return URI.create(baseUrl.get() + PATH + id);
  }

  /** The file published under {@code id}, unless it is unknown or has expired. */
  public Optional<File> get(String id) {
    return Optional.ofNullable(files.getIfPresent(id));
  }

  private static String extension(String mediaType) {
    return switch (mediaType) {
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      case "image/webp" -> ".webp";
      default -> "";
    };
  }
}
