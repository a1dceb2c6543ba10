package io.assay.gateway.files;

import io.assay.task.FilePublisher;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Files the gateway hands out by URL (images asked for with {@code response_format: "url"}),
 * kept in memory for a limited time under an unguessable id, as OpenAI's own image URLs are.
 *
 * <p>The id is 128 random bits, so holding a URL is the only way to fetch its file and no
 * credential is needed. Files expire {@code ttl} after they were published; when more than
 * {@code maxBytes} are kept, the oldest go first. Every file lives equally long and is fetched
 * once or twice, so first in, first out is the right order (a frequency-based cache could drop a
 * file the moment it is published). Memory, not Redis, holds them: a URL lives minutes to an
 * hour, so surviving a restart is not worth a round of multi-megabyte writes per image.
 *
 * <p>Thread-safe; each call holds one lock for a few map operations.
 */
public final class PublishedFiles implements FilePublisher {

  /** The path files are served under; the id follows it. */
  public static final String PATH = "/files/";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final long ttlNanos;
  private final long maxBytes;
  private final Supplier<String> baseUrl;
  private final LongSupplier nanoTime;
  /** In publication order, so the first entries are the oldest. */
  private final LinkedHashMap<String, Stored> files = new LinkedHashMap<>();
  private long bytes;

  /** A file and its media type. */
  public record File(byte[] content, String mediaType) {}

  private record Stored(File file, long publishedNanos) {}

  /**
   * @param baseUrl the gateway's public address, e.g. {@code https://api.example.com}; asked at
   *     each publish, since the port may be known only once the server listens
   */
  public PublishedFiles(Duration ttl, long maxBytes, Supplier<String> baseUrl) {
    this(ttl, maxBytes, baseUrl, System::nanoTime);
  }

  /** As above, on {@code nanoTime}'s clock (tests move it by hand). */
  PublishedFiles(Duration ttl, long maxBytes, Supplier<String> baseUrl, LongSupplier nanoTime) {
    this.ttlNanos = ttl.toNanos();
    this.maxBytes = maxBytes;
    this.baseUrl = baseUrl;
    this.nanoTime = nanoTime;
  }

  @Override
  public URI publish(byte[] content, String mediaType) {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bits)
        + extension(mediaType);
    synchronized (files) {
      long now = nanoTime.getAsLong();
      files.put(id, new Stored(new File(content, mediaType), now));
      bytes += content.length;
      dropExpiredAndExcess(now);
    }
    return URI.create(baseUrl.get() + PATH + id);
  }

  /** The file published under {@code id}, unless it is unknown, expired or was pushed out. */
  public Optional<File> get(String id) {
    synchronized (files) {
      dropExpiredAndExcess(nanoTime.getAsLong());
      Stored stored = files.get(id);
      return stored == null ? Optional.empty() : Optional.of(stored.file());
    }
  }

  /**
   * Drops the oldest files while they are expired or the total is over budget; the newest stays
   * until it expires even when it alone is over budget, so a URL just handed out always works.
   */
  private void dropExpiredAndExcess(long now) {
    Iterator<Map.Entry<String, Stored>> oldest = files.entrySet().iterator();
    int left = files.size();
    while (oldest.hasNext()) {
      Stored s = oldest.next().getValue();
      boolean expired = now - s.publishedNanos() >= ttlNanos;
      if (!expired && (bytes <= maxBytes || left == 1)) {
        return;
      }
      left--;
      oldest.remove();
      bytes -= s.file().content().length;
    }
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
