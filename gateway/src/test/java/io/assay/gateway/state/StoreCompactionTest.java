package io.assay.gateway.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 13: a prompt deleted from Redis leaves the append-only file when it is rewritten. */
class StoreCompactionTest {

  @Test
  void aDeletedValue_isGoneFromTheFiles_afterCompaction() throws Exception {
    Path dir = Files.createTempDirectory("assay-compaction");
    String secret = "a prompt nobody should find " + System.nanoTime();
    try (PrivateRedis server = PrivateRedis.start(dir);
        Redis redis = Redis.connect(server.url())) {
      redis.commands().set("assay:checks:x", secret).get(10, TimeUnit.SECONDS);
      redis.commands().del("assay:checks:x").get(10, TimeUnit.SECONDS);
      // The premise: an append-only file keeps what was deleted (written within a second).
      await().atMost(Duration.ofSeconds(10)).until(() -> onDisk(dir, secret));

      new StoreCompaction(redis).compact().await(10, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(30)).until(() -> !onDisk(dir, secret));
    }
  }

  /** Whether any file of the server's directory (its binary aside) holds {@code text}. */
  private static boolean onDisk(Path dir, String text) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("redis-server"))
          .anyMatch(f -> {
            try {
              return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(text);
            } catch (IOException e) {
              return false; // a file being replaced by the rewrite
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
