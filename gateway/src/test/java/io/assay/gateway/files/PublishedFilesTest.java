package io.assay.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Files handed out by URL: unguessable ids, served until they expire, bounded memory. */
class PublishedFilesTest {

  private final AtomicLong nanos = new AtomicLong();
  private final PublishedFiles files = new PublishedFiles(Duration.ofMinutes(60), 1024 * 1024,
      () -> "https://gw.example", nanos::get);

  @Test
  void aPublishedFileIsServedUnderItsUrl_untilItExpires() {
    URI url = files.publish(new byte[] {1, 2, 3}, "image/png");
    assertThat(url.toString()).startsWith("https://gw.example/files/").endsWith(".png");
    String id = url.getPath().substring(PublishedFiles.PATH.length());
    assertThat(files.get(id)).hasValueSatisfying(f -> {
      assertThat(f.content()).containsExactly(1, 2, 3);
      assertThat(f.mediaType()).isEqualTo("image/png");
    });

    nanos.addAndGet(TimeUnit.MINUTES.toNanos(59));
    assertThat(files.get(id)).isPresent();
    nanos.addAndGet(TimeUnit.MINUTES.toNanos(2));
    assertThat(files.get(id)).isEmpty();
  }

  @Test
  void idsAre128RandomBits_neverRepeated() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String path = files.publish(new byte[1], "image/png").getPath();
      String id = path.substring(PublishedFiles.PATH.length(), path.length() - ".png".length());
      assertThat(id).matches("[A-Za-z0-9_-]{22}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  void beyondItsMemoryBudget_olderFilesGo() {
    URI first = files.publish(new byte[600 * 1024], "image/png");
    URI second = files.publish(new byte[600 * 1024], "image/png");
    assertThat(files.get(id(second))).isPresent();
    assertThat(files.get(id(first))).isEmpty();
  }

  @Test
  void aFileLargerThanTheBudget_staysUntilTheNextOne() {
    URI big = files.publish(new byte[2 * 1024 * 1024], "image/png");
    assertThat(files.get(id(big))).isPresent();
    URI next = files.publish(new byte[10], "image/png");
    assertThat(files.get(id(big))).isEmpty();
    assertThat(files.get(id(next))).isPresent();
  }

  @Test
  void unknownIds_areNotFound() {
    assertThat(files.get("nope.png")).isEmpty();
  }

  private static String id(URI url) {
    return url.getPath().substring(PublishedFiles.PATH.length());
  }
}
