package io.assay.gateway;

import static io.assay.gateway.GatewayHttp.embed;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.state.Keys;
import io.assay.task.Json;
import java.nio.file.Files;
import java.nio.file.Path;
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
  }

  private static long usageRequests(Devnet devnet, String apiKey) {
    Map<String, String> usage = devnet.gateway().call(() -> io.assay.gateway.state.Redis.on(
        devnet.gateway().redis().commands().hgetall(Keys.usage(ApiKeys.hash(apiKey)))),
        "read usage");
    return Long.parseLong(usage.getOrDefault("requests", "0"));
  }
}
