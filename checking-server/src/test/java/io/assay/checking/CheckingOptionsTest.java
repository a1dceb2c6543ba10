package io.assay.checking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.config.ConfigException;
import io.assay.config.ConfigNode;
import io.assay.task.UpstreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckingOptionsTest {

  private static CheckingOptions read(String yaml, Map<String, String> env) {
    return CheckingOptions.read(ConfigNode.parse(yaml, env));
  }

  @Test
  void noSettings_giveTheDefaults_andNoRedis() {
    CheckingOptions options = CheckingOptions.read(ConfigNode.empty(Map.of()));

    assertThat(options.redisUrl()).isNull();
    assertThat(options.batch()).isEqualTo(64);
    assertThat(options.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(options.claimTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.maxDeliveries()).isEqualTo(5);
    assertThat(options.port()).isEqualTo(8090);
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.consumerName()).endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  void everyKey_isRead() {
    CheckingOptions options = read("""
        redis:
          url: redis://10.0.0.5:6379
        checking:
          consumer: checker-a
          batch: 16
          workers: 3
          claim_timeout: 90s
          max_deliveries: 7
          verdict_timeout: 5m
          host: 0.0.0.0
          port: 0
        """, Map.of());

    assertThat(options).isEqualTo(new CheckingOptions("redis://10.0.0.5:6379", "checker-a", 16, 3,
        Duration.ofSeconds(90), 7, Duration.ofMinutes(5), "0.0.0.0", 0, Map.of(), Map.of()));
  }

  @Test
  void checkerSettings_areReadPerKind_andCheckedWhenTheServiceStarts() {
    CheckingOptions options = read("""
        checking:
          checkers:
            llm:
              tail_mass: 0.01
              top_k: [{max_temperature: 1, k: 8}, {k: 30}]
            embeddings:
              min_cosine: 0.98
        """, Map.of());
    assertThat(options.checkerSettings()).containsOnlyKeys("llm", "embeddings");
    io.assay.task.TaskKinds kinds = io.assay.task.TaskKinds.discover();
    TaskCheckers.validateSettings(kinds, options.checkerSettings());

    assertThatThrownBy(() -> TaskCheckers.validateSettings(kinds, read(
        "checking:\n  checkers:\n    llm:\n      tail_mass: 3\n", Map.of()).checkerSettings()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("checking.checkers.llm.tail_mass");
    assertThatThrownBy(() -> TaskCheckers.validateSettings(kinds, read(
        "checking:\n  checkers:\n    image:\n      strictness: 3\n", Map.of())
        .checkerSettings()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("checking.checkers.image.strictness");
    assertThatThrownBy(() -> TaskCheckers.validateSettings(kinds, read(
        "checking:\n  checkers:\n    audio:\n      x: 1\n", Map.of()).checkerSettings()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no task kind 'audio'");
  }

  @Test
  void modelServers_checkTheirTasks() {
    CheckingOptions options = read("""
        checking:
          upstreams:
            - task: llm/qwen-0.5b
              base_url: http://10.0.0.9:8000/v1
              model: Qwen/Qwen2.5-0.5B-Instruct
              chat_template: chatml
              timeout: 20s
        """, Map.of());
    assertThat(options.upstreams()).containsOnlyKeys("llm/qwen-0.5b");
    UpstreamConfig server = options.upstreams().get("llm/qwen-0.5b");
    assertThat(server.baseUrl()).hasToString("http://10.0.0.9:8000/v1");
    assertThat(server.model()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct");
    assertThat(server.timeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(server.options()).containsEntry("chat_template", "chatml");

    assertThatThrownBy(() -> read("checking:\n  upstreams:\n    - task: qwen\n"
        + "      base_url: http://x/v1\n      model: m\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.upstreams[0].task");
    assertThatThrownBy(() -> read("checking:\n  upstreams:\n    - task: llm/q\n"
        + "      model: m\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("base_url");
  }

  @Test
  void environmentVariables_override() {
    CheckingOptions options = read("redis:\n  url: \"\"\nchecking:\n  batch: 16\n",
        Map.of("ASSAY_REDIS_URL", "redis://redis:6379", "ASSAY_CHECKING_BATCH", "8",
            "ASSAY_CHECKING_CLAIM_TIMEOUT", "1500ms"));

    assertThat(options.redisUrl()).isEqualTo("redis://redis:6379");
    assertThat(options.batch()).isEqualTo(8);
    assertThat(options.claimTimeout()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void anEmptyRedisUrl_meansNone() {
    assertThat(read("redis:\n  url: \"\"\n", Map.of()).redisUrl()).isNull();
  }

  @Test
  void badValues_failNamingTheKey() {
    assertThatThrownBy(() -> read("checking:\n  batch: 0\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.batch");
    assertThatThrownBy(() -> read("checking:\n  workers: many\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.workers");
    assertThatThrownBy(() -> read("checking:\n  claim_timeout: soon\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.claim_timeout");
    assertThatThrownBy(() -> read("checking:\n  max_deliveries: -1\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.max_deliveries");
    assertThatThrownBy(() -> read("checking:\n  port: 70000\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.port");
    assertThatThrownBy(() -> read("checking:\n  consumer: \" \"\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.consumer");
    assertThatThrownBy(() -> read("redis:\n  url: \"http://[oops\"\n", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.url");
    assertThatThrownBy(() -> CheckingOptions.read(
        ConfigNode.empty(Map.of("ASSAY_CHECKING_BATCH", "lots"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("checking.batch");
  }

  @Test
  void theServer_refusesToStartWithoutRedis_sayingHowToConfigureIt() {
    assertThatThrownBy(() -> ServerOptions.options(null, null, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.url").hasMessageContaining("ASSAY_REDIS_URL");
  }

  @Test
  void theServer_readsItsFile_andRefusesUnknownKeys(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("checking.yaml");
    Files.writeString(file, "redis:\n  url: redis://127.0.0.1:6379\nchecking:\n  batch: 4\n");
    CheckingOptions options = ServerOptions.options(file, 9999, Map.of());
    assertThat(options.batch()).isEqualTo(4);
    assertThat(options.port()).isEqualTo(9999);

    Files.writeString(file, "redis:\n  url: redis://127.0.0.1:6379\nchecking:\n  batchsize: 4\n");
    assertThatThrownBy(() -> ServerOptions.options(file, null, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("checking.batchsize").hasMessageContaining("not a known setting");
  }
}
