package io.assay.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.config.ConfigException;
import io.assay.gateway.scoring.ScoringParams;
import io.assay.config.ConfigNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  private static final String TASKS = """
      tasks:
        - kind: embeddings
          model: all-MiniLM-L6-v2
          weight: 1.0
      """;

  private static GatewayConfig read(String yaml, Map<String, String> env) {
    return GatewayConfig.read(ConfigNode.parse(yaml, env), Path.of("/srv/assay"));
  }

  @Test
  void bundledDefault_isValid() {
    GatewayConfig config = ConfigFiles.load(null, Map.of());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.redisUrl()).isNull();
    assertThat(config.tasks()).extracting(GatewayConfig.TaskConfig::id)
        .contains("embeddings/all-MiniLM-L6-v2");
  }

  @Test
  void theCheckingSection_alsoConfiguresTheEmbeddedCheckingServer() {
    GatewayConfig config = read(TASKS + """
        checking:
          organic_share: 0.2
          batch: 8
          checkers:
            llm: {tail_mass: 0.01}
          upstreams:
            - task: llm/qwen
              base_url: http://10.0.0.9:8000/v1
              model: Qwen/Qwen2.5-0.5B-Instruct
        gateway:
          public_url: https://api.example.com
        """, Map.of());
    assertThat(config.checking().organicShare()).isEqualTo(0.2);
    assertThat(config.checking().options().batch()).isEqualTo(8);
    assertThat(config.checking().options().checkerSettings()).containsOnlyKeys("llm");
    assertThat(config.checking().options().upstreams()).containsOnlyKeys("llm/qwen");
    assertThat(config.files().publicUrl()).isEqualTo("https://api.example.com");
    assertThatThrownBy(() -> read(TASKS + "gateway:\n  public_url: https://x.example/v1\n",
        Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.public_url");
  }

  @Test
  void defaults_applyWhenKeysAreAbsent() {
    GatewayConfig config = read(TASKS, Map.of());
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.dataDir()).isEqualTo(Path.of("/srv/assay/data/gateway"));
    assertThat(config.routing().maxAttempts()).isEqualTo(3);
    assertThat(config.period()).isEqualTo(Duration.ofMinutes(60));
  }

  @Test
  void environmentVariables_overrideFileValues() {
    GatewayConfig config = read("gateway:\n  port: 9000\n" + TASKS, Map.of(
        "ASSAY_GATEWAY_PORT", "9100",
        "ASSAY_REDIS_URL", "redis://10.0.0.5:6379",
        "ASSAY_ROUTING_MINER_TIMEOUT", "5s",
        "ASSAY_TASKS_0_MAX_CAPACITY", "1234"));
    assertThat(config.port()).isEqualTo(9100);
    assertThat(config.redisUrl()).isEqualTo("redis://10.0.0.5:6379");
    assertThat(config.routing().minerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.tasks().get(0).maxCapacity()).isEqualTo(1234);
  }

  @Test
  void badPort_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> read("gateway:\n  port: eighty\n" + TASKS, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.port").hasMessageContaining("eighty");
  }

  @Test
  void badDuration_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> read("routing:\n  miner_timeout: soon\n" + TASKS, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("routing.miner_timeout").hasMessageContaining("soon");
  }

  @Test
  void filesTtlUnderASecond_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> read("gateway:\n  files_ttl: 500ms\n" + TASKS, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.files_ttl").hasMessageContaining("PT0.5S");
  }

  @Test
  void unknownKey_isRefused() {
    assertThatThrownBy(() -> read("gateway:\n  prot: 80\n" + TASKS, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.prot").hasMessageContaining("not a known setting");
  }

  @Test
  void taskWeightsNotSummingToOne_areRefused() {
    String yaml = """
        tasks:
          - kind: embeddings
            model: a
            weight: 0.5
          - kind: embeddings
            model: b
            weight: 0.2
        """;
    assertThatThrownBy(() -> read(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sum to 1").hasMessageContaining("embeddings/b=0.2");
  }

  @Test
  void negativeTaskWeight_isRefusedNamingTheTask() {
    String yaml = """
        tasks:
          - kind: embeddings
            model: a
            weight: -0.5
        """;
    assertThatThrownBy(() -> read(yaml, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tasks[0].weight");
  }

  @Test
  void scoringConstants_haveTheSpecsDefaults() {
    ScoringParams p = read(TASKS, Map.of()).scoring().params();
    assertThat(p.taskExponent()).isEqualTo(1.5);
    assertThat(p.bonusSpan()).isEqualTo(1.0);
    assertThat(p.qualityMin()).isEqualTo(0.5);
    assertThat(p.halfLifePeriods()).isEqualTo(6);
    assertThat(p.declarationGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(p.streamTtftMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.zkRecent()).isEqualTo(100);
    assertThat(p.burnUid()).isNull();
  }

  @Test
  void scoringConstants_areReadWhereScoringMdNamesThem_andChecked() {
    GatewayConfig config = read(String.join("\n",
        "scoring:", "  task_exponent: 3", "  cadence: 5m", "  declaration_grace: 1m",
        "quality:", "  min: 0.6",
        "volume:", "  half_life_periods: 3",
        "stream:", "  ttft_max: 10s", "  min_rate: 4",
        "zk:", "  recent: 20",
        "weights:", "  burn_uid: 0",
        "test:", "  max_consecutive_failures: 7",
        "synthetic:", "  min_organic: 10", "  replay_share: 0",
        "checking:", "  synthetic_share: 0.5", "  verdict_timeout: 5m", "") + TASKS, Map.of());
    ScoringParams p = config.scoring().params();
    assertThat(p.taskExponent()).isEqualTo(3);
    assertThat(config.scoring().cadence()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.declarationGrace()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.qualityMin()).isEqualTo(0.6);
    assertThat(p.halfLifePeriods()).isEqualTo(3);
    assertThat(p.streamTtftMax()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.tasks()).allSatisfy(t -> assertThat(t.streamMinRate()).isEqualTo(4));
    assertThat(p.zkRecent()).isEqualTo(20);
    assertThat(p.burnUid()).isZero();
    assertThat(config.synthetic().maxConsecutiveFailures()).isEqualTo(7);
    assertThat(config.synthetic().minOrganic()).isEqualTo(10);
    assertThat(config.synthetic().replayShare()).isZero();
    assertThat(config.checking().syntheticShare()).isEqualTo(0.5);
    assertThat(config.checking().options().verdictTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aGraceWindowThatLeavesNoRoomForTheLargestTestWindow_isRefused() {
    assertThatThrownBy(() -> read("scoring:\n  period: 60m\n  declaration_grace: 13m\n" + TASKS,
        Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("scoring.declaration_grace");
    assertThatThrownBy(() -> read("scoring:\n  period: 60m\n  volume_window: 90m\n" + TASKS,
        Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("scoring.volume_window");
  }

  @Test
  void theShareOfOrganicAnswersChecked_isSetPerTask_withTheCheckingShareAsDefault() {
    GatewayConfig config = read(String.join("\n", "checking:", "  organic_share: 0.2",
        "tasks:",
        "  - kind: embeddings", "    model: a", "    weight: 0.5",
        "  - kind: zk-proof", "    model: b", "    weight: 0.5", "    organic_share: 1",
        ""), Map.of());
    assertThat(config.tasks().get(0).organicCheckShare()).isEqualTo(0.2);
    assertThat(config.tasks().get(1).organicCheckShare()).isEqualTo(1.0);
    assertThatThrownBy(() -> read(String.join("\n", "tasks:",
        "  - kind: embeddings", "    model: a", "    weight: 1", "    organic_share: 1.5",
        ""), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tasks[0].organic_share");
    assertThat(ConfigFiles.load(null, Map.of()).tasks())
        .filteredOn(t -> t.kind().equals("zk-proof"))
        .isNotEmpty().allSatisfy(t -> assertThat(t.organicCheckShare()).isEqualTo(1.0));
  }

  @Test
  void theTestBudget_isSetPerTask_withADefaultOfTenThousandTypicalRequests() {
    GatewayConfig config = read(String.join("\n", "tasks:",
        "  - kind: embeddings", "    model: a", "    weight: 0.5", "    units_per_request: 8",
        "  - kind: embeddings", "    model: b", "    weight: 0.5", "    synthetic_budget: 1000",
        ""), Map.of());
    assertThat(config.tasks().get(0).syntheticBudget()).isEqualTo(80_000);
    assertThat(config.tasks().get(1).syntheticBudget()).isEqualTo(1000);
  }

  @Test
  void compressedScoring_keepsWindowsInPeriods() {
    GatewayConfig config = read(TASKS, Map.of()).withPeriod(Duration.ofSeconds(30));
    assertThat(config.period()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.scoring().params().volumePeriods()).isEqualTo(72);
    assertThat(config.scoring().params().declarationGrace()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theEventStream_isTrimmedAndArchivedInTheDataDir_byDefault() {
    GatewayConfig config = read(TASKS, Map.of());
    assertThat(config.events().trim()).isTrue();
    assertThat(config.events().margin()).isEqualTo(Duration.ofHours(1));
    assertThat(config.archiveDir()).isEqualTo(Path.of("/srv/assay/data/gateway/events-archive"));
    assertThat(config.withDataDir(Path.of("/tmp/d")).archiveDir())
        .isEqualTo(Path.of("/tmp/d/events-archive"));

    GatewayConfig set = read(TASKS + """
        events:
          trim: false
          margin: 2h
          archive_dir: /var/lib/assay/archive
        """, Map.of());
    assertThat(set.events().trim()).isFalse();
    assertThat(set.events().margin()).isEqualTo(Duration.ofHours(2));
    assertThat(set.archiveDir()).isEqualTo(Path.of("/var/lib/assay/archive"));
  }

  @Test
  void aMarginShorterThanTwoVerdictTimeouts_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> read(TASKS + """
        events:
          margin: 15m
        """, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("events.margin")
        .hasMessageContaining("checking.verdict_timeout");
  }

  @Test
  void redisUrlWithoutScheme_isRefused() {
    assertThatThrownBy(() -> read("redis:\n  url: localhost:6379\n" + TASKS, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.url");
  }

  @Test
  void duplicateTask_isRefused() {
    String yaml = """
        tasks:
          - kind: embeddings
            model: a
            weight: 0.5
          - kind: embeddings
            model: a
            weight: 0.5
        """;
    assertThatThrownBy(() -> read(yaml, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("configured twice");
  }
}
