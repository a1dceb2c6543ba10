package io.assay.gateway;

import static io.assay.gateway.GatewayHttp.embed;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.state.Keys;
import io.assay.task.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Restarting a devnet on the same data directory keeps keys, identities and usage. */
class DevnetRestartIntegrationTest {

  @Test
  void restartOnSameDataDir_keepsKeysIdentitiesAndUsage() throws Exception {
    Path dir = TestDevnets.tempDir("assay-restart");
    Devnet.Info first;
    List<String> minerKeys;
    String validator;
    try (Devnet devnet = TestDevnets.start(dir, 2)) {
      first = devnet.info();
      minerKeys = devnet.miners().stream().map(m -> m.hotkey().value()).toList();
      validator = devnet.gateway().hotkey().value();
      for (int i = 0; i < 3; i++) {
        assertThat(embed(devnet, "before restart " + i).statusCode()).isEqualTo(200);
      }
      org.awaitility.Awaitility.await().untilAsserted(
          () -> assertThat(usageRequests(devnet, first.apiKey())).isEqualTo(3));
    }
    Devnet.Info written = Json.MAPPER.readValue(dir.resolve("devnet.json").toFile(),
        Devnet.Info.class);
    assertThat(written.apiKey()).isEqualTo(first.apiKey());

    try (Devnet devnet = TestDevnets.start(dir, 2)) {
      assertThat(devnet.info().apiKey()).isEqualTo(first.apiKey());
      assertThat(devnet.info().adminKey()).isEqualTo(first.adminKey());
      assertThat(devnet.gateway().hotkey().value()).isEqualTo(validator);
      assertThat(devnet.miners().stream().map(m -> m.hotkey().value()).toList())
          .isEqualTo(minerKeys);
      assertThat(usageRequests(devnet, first.apiKey())).isEqualTo(3);
      assertThat(embed(devnet, "after restart").statusCode()).isEqualTo(200);
      org.awaitility.Awaitility.await().untilAsserted(
          () -> assertThat(usageRequests(devnet, first.apiKey())).isEqualTo(4));
    }
    assertThat(Files.exists(dir.resolve("redis").resolve("appendonly.aof"))
        || Files.exists(dir.resolve("redis").resolve("appendonlydir"))).isTrue();
    // The admin key and the queued prompts are for this user only.
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("devnet.json")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir.resolve("redis")))).isEqualTo("rwx------");
  }

  @Test
  void privateRedisKilled_isStartedAgain_andTheGatewayCarriesOn() throws Exception {
    Path dir = TestDevnets.tempDir("assay-redis-kill");
    try (Devnet devnet = TestDevnets.start(dir, 2)) {
      String key = devnet.info().apiKey();
      assertThat(embed(devnet, "before the kill").statusCode()).isEqualTo(200);
      Awaitility.await().untilAsserted(() -> assertThat(usageRequests(devnet, key)).isEqualTo(1));
      ProcessHandle redis = privateRedis(dir).orElseThrow();

      redis.destroyForcibly(); // SIGKILL: no chance to flush or say goodbye

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> privateRedis(dir)
          .filter(p -> p.pid() != redis.pid()).isPresent());
      // Lettuce reconnects by itself; the append-only file (fsync every second) kept the usage.
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(
          () -> assertThat(embed(devnet, "after the kill").statusCode()).isEqualTo(200));
      Awaitility.await().untilAsserted(
          () -> assertThat(usageRequests(devnet, key)).isGreaterThanOrEqualTo(2));
    }
  }

  /** The redis-server serving {@code dataDir}, found by its command line. */
  private static Optional<ProcessHandle> privateRedis(Path dataDir) {
    return io.assay.gateway.state.PrivateRedis.serverOn(dataDir.resolve("redis"));
  }

  private static long usageRequests(Devnet devnet, String apiKey) {
    Map<String, String> usage = devnet.gateway().call(() -> io.assay.gateway.state.Redis.on(
        devnet.gateway().redis().commands().hgetall(Keys.usage(ApiKeys.hash(apiKey)))),
        "read usage");
    return Long.parseLong(usage.getOrDefault("requests", "0"));
  }
}
