package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.audit.EventStream;
import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.assay.miner.Miner;
import io.assay.miner.TaskOffer;
import io.assay.miner.Workers;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.TaskSpec;
import io.assay.task.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 item 3: two gateways share one Redis; the first, its own process, leads. Killed
 * outright (SIGKILL) mid-period, it is replaced within 10 s; the period it planned is not
 * planned again, the next one is planned by the new leader, every test window's end is recorded
 * exactly once, and no weight computation is recorded twice.
 */
class LeaderFailoverIntegrationTest {

  private static final long PERIOD_MS = 20_000;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();
  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 20_000, 16);

  @Test
  void aKilledLeader_isReplacedWithin10s_andNoPeriodIsPlannedTwiceOrSkipped() throws Exception {
    Path dir = TestDevnets.tempDir("assay-leader");
    ExecutorService workers = Workers.inference();
    List<Miner> miners = new ArrayList<>();
    Identity validator = Identity.loadOrCreate(dir.resolve("validator.key"));
    Backend reference = LlmTestGateway.KIND.referenceBackend(SPEC, workers).orElseThrow();
    Process first = null;
    try (PrivateRedis server = PrivateRedis.start(dir.resolve("redis"));
        Redis redis = Redis.connect(server.url())) {
      StringBuilder minerList = new StringBuilder();
      for (int i = 0; i < 2; i++) {
        Miner miner = Miner.builder().name("m" + i).identity(Identity.generate())
            .acceptValidators(validator.hotkey()::equals)
            .periodLength(Duration.ofMillis(PERIOD_MS))
            .offer(new TaskOffer(LlmTestGateway.KIND, SPEC, reference, SPEC.maxCapacity(), 4))
            .build();
        miner.start().toCompletableFuture().join();
        miners.add(miner);
        minerList.append("  - name: m").append(i).append("\n    url: http://127.0.0.1:")
            .append(miner.port()).append("\n    hotkey: ").append(miner.hotkey().value())
            .append('\n');
      }
      Path configA = config(dir, "a", server.url(), minerList);
      Path configB = config(dir, "b", server.url(), minerList);

      first = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
              .toString(), "-cp", System.getProperty("java.class.path"),
          "io.assay.gateway.GatewayMain", "serve", "--config", configA.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("a.log").toFile()).start();
      Path holderA = dir.resolve("a").resolve("leader-holder");
      Process a = first;
      await().atMost(Duration.ofMinutes(2)).until(() -> !a.isAlive()
          || (Files.exists(holderA) && lease(redis).endsWith(" " + holderOf(holderA))));
      assertThat(a.isAlive()).as(Files.readString(dir.resolve("a.log"))).isTrue();

      try (Gateway b = Gateway.builder(ConfigFiles.load(configB, Map.of())).start()) {
        String holderB = holderOf(dir.resolve("b").resolve("leader-holder"));
        assertThat(lease(redis)).doesNotEndWith(holderB);
        long tokenA = Long.parseLong(lease(redis).split(" ")[0]);
        // a has drawn the current period's plans (perhaps none fits after its start).
        long killedIn = Math.floorDiv(System.currentTimeMillis(), PERIOD_MS);
        await().atMost(Duration.ofSeconds(30)).until(() ->
            redis.commands().exists(Keys.testPlans(killedIn)).get(5, TimeUnit.SECONDS) == 1);

        // b follows: it refuses to record weights, names the leader, and loads the leader's
        // test windows (when the period's plan tests anyone), so its organic work counts in them.
        String admin = b.call(() -> b.keys().create("ops", ApiKey.Role.ADMIN, 0), "admin key");
        String adminUrl = b.baseUrl().replaceFirst("/v1$", "/admin");
        HttpResponse<String> compute = admin(adminUrl + "/weights/compute", admin, true);
        assertThat(compute.statusCode()).as(compute.body()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(compute.body()).path("error").path("code").asText())
            .isEqualTo("not_leader");
        JsonNode leader = Json.MAPPER.readTree(admin(adminUrl + "/leader", admin, false).body());
        assertThat(leader.path("leads").asBoolean()).isFalse();
        assertThat(leader.path("leader").path("holder").asText()).isEqualTo(holderOf(holderA));
        await().atMost(Duration.ofSeconds(15)).until(() -> redis.commands()
                .hget(Keys.testAssignments(killedIn), "llm/reference-lm")
                .get(5, TimeUnit.SECONDS) != null
            || Json.MAPPER.readTree(redis.commands().get(Keys.testPlans(killedIn))
                .get(5, TimeUnit.SECONDS)).size() == 0);
        String assigned = redis.commands().hget(Keys.testAssignments(killedIn), "llm/reference-lm")
            .get(5, TimeUnit.SECONDS);
        if (assigned != null && !Json.MAPPER.readTree(assigned).path("tested").isArray()) {
          await().atMost(Duration.ofSeconds(5)).until(() -> b.directory().all().stream()
              .allMatch(m -> m.capacity("llm/reference-lm", killedIn) != null
                  && m.capacity("llm/reference-lm", killedIn).window() != null));
        }

        long killed = System.nanoTime();
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> lease(redis).endsWith(" " + holderB));
        long took = (System.nanoTime() - killed) / 1_000_000;
        System.out.printf("leader killed; the other gateway led %d ms later%n", took);
        assertThat(Long.parseLong(lease(redis).split(" ")[0])).isGreaterThan(tokenA);

        // The next period is planned by b, and its windows end; then every period's windows are
        // recorded once each.
        long next = killedIn + 1;
        await().atMost(Duration.ofSeconds(60)).until(() -> planned(b).stream()
            .anyMatch(t -> t.period() == next));
        boolean killedPeriodHasWindows = Json.MAPPER.readTree(redis.commands()
            .get(Keys.testPlans(killedIn)).get(5, TimeUnit.SECONDS)).size() > 0;
        if (killedPeriodHasWindows) {
          await().atMost(Duration.ofSeconds(30)).until(() -> planned(b).stream()
              .anyMatch(t -> t.period() == killedIn));
        }
        Map<String, Integer> perWindow = new HashMap<>();
        planned(b).forEach(t -> perWindow.merge(t.period() + "|" + t.task(), 1, Integer::sum));
        assertThat(perWindow).as("test_planned events per period and task")
            .allSatisfy((window, count) -> assertThat(count).as(window).isEqualTo(1));

        // Weight computations: the new leader records them (every 3 s here); newest first, each
        // later than the next, none twice.
        await().atMost(Duration.ofSeconds(20)).until(() -> lease(redis).split(" ")[0].equals(
            redis.commands().hget(Keys.weightsFence(), "token").get(5, TimeUnit.SECONDS)));
        List<String> history = redis.commands().lrange(Keys.weightsHistory(), 0, -1)
            .get(5, TimeUnit.SECONDS);
        List<Long> times = new ArrayList<>();
        for (String row : history) {
          times.add(Json.MAPPER.readTree(row).get("computed_at").asLong());
        }
        assertThat(times).as("weight computations, newest first").isNotEmpty()
            .isSortedAccordingTo((x, y) -> Long.compare(y, x)).doesNotHaveDuplicates();
        assertThat(redis.commands().hget(Keys.weightsFence(), "token").get(5, TimeUnit.SECONDS))
            .as("the fence holds the new leader's token")
            .isEqualTo(lease(redis).split(" ")[0]);
      }
    } finally {
      if (first != null) {
        first.destroyForcibly();
      }
      miners.forEach(Miner::close);
      workers.shutdownNow();
    }
  }

  private static List<ScoringEvent.TestPlanned> planned(Gateway gateway) {
    return gateway.call(() -> gateway.events().readAll(), "read the events").stream()
        .map(EventStream.Entry::event)
        .filter(e -> e instanceof ScoringEvent.TestPlanned)
        .map(e -> (ScoringEvent.TestPlanned) e).toList();
  }

  /** A GET (or a POST without a body) of an admin route with the admin key. */
  private static HttpResponse<String> admin(String url, String key, boolean post)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + key);
    return HTTP.send((post ? request.POST(HttpRequest.BodyPublishers.noBody()) : request).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String lease(Redis redis) throws Exception {
    String value = redis.commands().get(Keys.leaderLease()).get(5, TimeUnit.SECONDS);
    return value == null ? "" : value;
  }

  private static String holderOf(Path file) throws Exception {
    return Files.readString(file).strip();
  }

  /** One gateway's configuration: its own directory and port, the shared Redis and identity. */
  private static Path config(Path dir, String name, String redisUrl, CharSequence miners)
      throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, """
        gateway:
          host: 127.0.0.1
          port: 0
          data_dir: %s
          identity_file: %s
        redis:
          url: %s
        scoring:
          period: 20s
          declaration_grace: 2s
          cadence: 3s
        checking:
          embedded: false
        events:
          trim: false
        tasks:
          - kind: llm
            model: reference-lm
            weight: 1.0
            max_capacity: 20000
            units_per_request: 16
        miners:
        %s""".formatted(dir.resolve(name), dir.resolve("validator.key"), redisUrl,
        miners.toString().indent(0)));
    return file;
  }
}
