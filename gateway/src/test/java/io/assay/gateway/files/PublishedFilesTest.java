package io.assay.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.assay.gateway.state.StateException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Files handed out by URL, in a real Redis shared by two gateways' stores: unguessable ids,
 * served byte for byte by either until they expire, and one byte budget for both, oldest first,
 * whose count stays right as files expire.
 */
class PublishedFilesTest {

  private static final Duration HOUR = Duration.ofHours(1);

  private static PrivateRedis server;
  /** Two connections, as two gateways have. */
  private static Redis redisA;
  private static Redis redisB;

  @BeforeAll
  static void startRedis() throws Exception {
    server = PrivateRedis.start(Files.createTempDirectory("assay-files"));
    redisA = Redis.connect(server.url());
    redisB = Redis.connect(server.url());
  }

  @AfterAll
  static void stopRedis() {
    redisA.close();
    redisB.close();
    server.close();
  }

  @BeforeEach
  void emptyRedis() throws Exception {
    redisA.commands().flushall().get(5, TimeUnit.SECONDS);
  }

  @Test
  void aPublishedFile_isServedByteExactByAnotherGateway_withItsTypeAndLifetime()
      throws Exception {
    byte[] content = new byte[1024 * 1024 + 256];
    new Random(7).nextBytes(content);
    for (int i = 0; i < 256; i++) {
      content[i] = (byte) i; // every byte value, NUL and invalid UTF-8 included
    }
    URI url = publish(files(redisA, HOUR, 1 << 30), content, "image/png");
    assertThat(url.toString()).startsWith("https://gw-a.example/files/").endsWith(".png");

    PublishedFiles.File file = get(files(redisB, HOUR, 1 << 30), id(url)).orElseThrow();
    assertThat(file.content()).isEqualTo(content);
    assertThat(file.mediaType()).isEqualTo("image/png");
    assertThat(file.remaining()).isBetween(HOUR.minusMinutes(1), HOUR);
  }

  @Test
  void aFile_isGoneOnceItsTtlHasPassed() throws Exception {
    PublishedFiles files = files(redisA, Duration.ofMillis(300), 1 << 20);
    URI url = publish(files, new byte[] {1, 2, 3}, "image/png");
    assertThat(get(files, id(url))).isPresent();
    await().atMost(Duration.ofSeconds(5)).until(() -> get(files, id(url)).isEmpty());
  }

  @Test
  void expiredFiles_leaveTheByteCount_whenTheNextFileIsPublished() throws Exception {
    PublishedFiles shortLived = files(redisA, Duration.ofMillis(200), 1000);
    List<URI> expired = List.of(publish(shortLived, new byte[300], "image/png"),
        publish(shortLived, new byte[300], "image/png"),
        publish(shortLived, new byte[300], "image/png"));
    for (URI url : expired) {
      await().atMost(Duration.ofSeconds(5)).until(() -> get(shortLived, id(url)).isEmpty());
    }

    // Under budget even with the expired 900 bytes: only their being gone takes them out.
    PublishedFiles files = files(redisB, HOUR, 1000);
    URI small = publish(files, new byte[100], "image/png");
    assertThat(bytesCounted()).isEqualTo(100);
    assertThat(redisA.commands().zrange(Keys.filesOrder(), 0, -1).get(5, TimeUnit.SECONDS))
        .containsExactly(id(small));
    assertThat(redisA.commands().hkeys(Keys.fileSizes()).get(5, TimeUnit.SECONDS))
        .containsExactly(id(small));

    // The whole budget is the live files' again: 100 + 900 fit, one byte more does not.
    URI big = publish(files, new byte[900], "image/png");
    assertThat(get(files, id(small))).isPresent();
    publish(files, new byte[1], "image/png");
    assertThat(get(files, id(small))).isEmpty();
    assertThat(get(files, id(big))).isPresent();
    assertThat(bytesCounted()).isEqualTo(901);
  }

  @Test
  void beyondTheBudgetOfAllGateways_theOldestGoFirst() throws Exception {
    PublishedFiles a = files(redisA, HOUR, 1000);
    PublishedFiles b = files(redisB, HOUR, 1000);
    List<URI> urls = List.of(publish(a, new byte[300], "image/png"),
        publish(b, new byte[300], "image/png"), publish(a, new byte[300], "image/png"),
        publish(b, new byte[300], "image/png"));
    assertThat(get(a, id(urls.get(0)))).isEmpty();
    for (URI kept : urls.subList(1, 4)) {
      assertThat(get(a, id(kept))).isPresent();
    }
    assertThat(bytesCounted()).isEqualTo(900);

    URI big = publish(b, new byte[500], "image/png");
    assertThat(get(a, id(urls.get(1)))).isEmpty();
    assertThat(get(a, id(urls.get(2)))).isEmpty();
    assertThat(get(a, id(urls.get(3)))).isPresent();
    assertThat(get(a, id(big))).isPresent();
    assertThat(bytesCounted()).isEqualTo(800);
  }

  @Test
  void aFileLargerThanTheBudget_staysUntilTheNextOne() throws Exception {
    PublishedFiles files = files(redisA, HOUR, 1000);
    URI big = publish(files, new byte[5000], "image/png");
    assertThat(get(files, id(big))).isPresent();
    URI next = publish(files, new byte[10], "image/png");
    assertThat(get(files, id(big))).isEmpty();
    assertThat(get(files, id(next))).isPresent();
    assertThat(bytesCounted()).isEqualTo(10);
  }

  @Test
  void idsAre128RandomBits_neverRepeated() throws Exception {
    PublishedFiles files = files(redisA, HOUR, 1 << 20);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String id = id(publish(files, new byte[1], "image/png"));
      assertThat(id).matches("[A-Za-z0-9_-]{22}\\.png");
      ids.add(id);
    }
    assertThat(ids).hasSize(200);
  }

  @Test
  void unknownOrMalformedIds_areNotFound() throws Exception {
    PublishedFiles files = files(redisA, HOUR, 1 << 20);
    assertThat(get(files, "AAAAAAAAAAAAAAAAAAAAAA.png")).isEmpty();
    assertThat(get(files, "nope.png")).isEmpty();
    assertThat(get(files, "AAAAAAAAAAAAAAAAAAAAAA.png:x")).isEmpty();
  }

  @Test
  void withRedisAway_publishingAndFetchingFail_asTheStoreBeingAway() throws Exception {
    PrivateRedis own = PrivateRedis.start(Files.createTempDirectory("assay-files-away"));
    try (Redis redis = Redis.connect(own.url())) {
      PublishedFiles files = files(redis, HOUR, 1 << 20);
      URI url = publish(files, new byte[] {1}, "image/png");
      own.close();
      assertThatThrownBy(() -> publish(files, new byte[] {2}, "image/png"))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StateException.class);
      assertThatThrownBy(() -> get(files, id(url)))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StateException.class);
    }
  }

  private static PublishedFiles files(Redis redis, Duration ttl, long maxBytes) {
    String base = redis == redisB ? "https://gw-b.example" : "https://gw-a.example";
    return new PublishedFiles(redis, ttl, maxBytes, () -> base);
  }

  private static URI publish(PublishedFiles files, byte[] content, String type)
      throws Exception {
    return files.publish(content, type).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Optional<PublishedFiles.File> get(PublishedFiles files, String id)
      throws Exception {
    return files.get(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static long bytesCounted() throws Exception {
    return Long.parseLong(redisA.commands().get(Keys.filesBytes()).get(5, TimeUnit.SECONDS));
  }

  private static String id(URI url) {
    return url.getPath().substring(PublishedFiles.PATH.length());
  }
}
