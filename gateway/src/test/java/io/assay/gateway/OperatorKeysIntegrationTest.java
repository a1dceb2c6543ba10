package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.auth.FirstAdminKey;
import io.assay.gateway.auth.KeyCommands;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 items 1 and 2 (keys): a validator's first start makes one admin key (shown once,
 * written to {@code admin.key}, mode 0600); the {@code keys} commands, run beside the running
 * gateway on its data directory, make, list (by name and prefix, never the token) and revoke
 * keys, and a revoked key is refused within about a second.
 */
class OperatorKeysIntegrationTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void firstStart_makesOneAdminKey_andTheKeysCommandsWorkBesideTheGateway() throws Exception {
    Path dir = TestDevnets.tempDir("assay-operator");
    GatewayConfig config = ConfigFiles.load(null, Map.of()).withPort(0).withDataDir(dir);
    try (Gateway gateway = Gateway.builder(config).miners(List.of()).start()) {
      Optional<String> admin = gateway.call(() -> FirstAdminKey.ensure(gateway.keys(),
          gateway.redis()), "first admin key");
      assertThat(admin).isPresent();
      Path file = FirstAdminKey.write(dir, admin.get());
      assertThat(Files.readString(file).trim()).isEqualTo(admin.get());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(get(gateway, "/admin/miners", admin.get())).isEqualTo(200);
      assertThat(gateway.call(() -> FirstAdminKey.ensure(gateway.keys(), gateway.redis()),
          "again")).as("one first admin key, however often it starts").isEmpty();

      ByteArrayOutputStream created = new ByteArrayOutputStream();
      assertThat(KeyCommands.create(null, dir, "bob", false,
          new io.assay.gateway.auth.ApiKeys.Limits(0, 0, 5_000_000L),
          new PrintStream(created, true))).isZero();
      String bob = created.toString().trim();
      assertThat(bob).startsWith("sk-assay-");
      assertThat(get(gateway, "/v1/models", bob)).isEqualTo(200);

      ByteArrayOutputStream listed = new ByteArrayOutputStream();
      assertThat(KeyCommands.list(null, dir, new PrintStream(listed, true))).isZero();
      assertThat(listed.toString()).contains("bob").contains(bob.substring(0, 13) + "...")
          .contains("admin").doesNotContain(bob).doesNotContain(admin.get());

      assertThat(KeyCommands.update(null, dir, bob.substring(0, 13), 30, null, null, 1_000_000L,
          new PrintStream(new ByteArrayOutputStream()), System.err)).isZero();
      ByteArrayOutputStream shown = new ByteArrayOutputStream();
      assertThat(KeyCommands.show(null, dir, bob.substring(0, 13), new PrintStream(shown, true),
          System.err)).isZero();
      assertThat(io.assay.task.Json.MAPPER.readTree(shown.toString()).path("credit").asDouble())
          .as("5 credits, topped up by 1").isEqualTo(6.0);
      assertThat(io.assay.task.Json.MAPPER.readTree(shown.toString())
          .path("requests_per_minute").asInt()).isEqualTo(30);

      ByteArrayOutputStream revoked = new ByteArrayOutputStream();
      assertThat(KeyCommands.revoke(null, dir, "bob", null, new PrintStream(revoked, true),
          System.err)).isZero();
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
          assertThat(get(gateway, "/v1/models", bob)).isEqualTo(401));
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertThat(KeyCommands.revoke(null, dir, "nobody", null, System.out,
          new PrintStream(err, true))).isEqualTo(1);
      assertThat(err.toString()).contains("no key named nobody");

      // The command line as the README writes it: the action word, then the options.
      String carol = cli("keys", "create", "--name", "carol", "--rpm", "60", "--data-dir",
          dir.toString()).trim();
      assertThat(get(gateway, "/v1/models", carol)).isEqualTo(200);
      assertThat(cli("keys", "list", "--data-dir", dir.toString())).contains("carol")
          .doesNotContain(carol);
      // A configuration error exits 2 naming the key; a usage error exits 2 naming the option.
      assertThat(failing(2, "weights", "export", "--data-dir", dir.toString()))
          .contains("weights.netuid");
      assertThat(failing(2, "keys")).contains("keys needs an action");
      assertThat(failing(2, "keys", "--name", "x")).contains("'--name'");
    }
  }

  /** Runs {@code assay-gateway args} in process and returns what it printed. */
  private static String cli(String... args) throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    try {
      assertThat(GatewayMain.run(args)).as(String.join(" ", args)).isZero();
    } finally {
      System.setOut(stdout);
    }
    return out.toString();
  }

  /** Runs {@code assay-gateway args}, expecting {@code exit}; returns what it printed on stderr. */
  private static String failing(int exit, String... args) {
    PrintStream stderr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true));
    try {
      assertThat(GatewayMain.run(args)).as(String.join(" ", args)).isEqualTo(exit);
    } finally {
      System.setErr(stderr);
    }
    return err.toString();
  }

  private int get(Gateway gateway, String path, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl().replace("/v1", "")
        + path)).header("Authorization", "Bearer " + key).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
