package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.miner.sim.Behaviour;
import io.assay.protocol.Identity;
import io.assay.task.Json;
import io.assay.task.TaskKinds;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Miners built by {@link MinerFactory} with a behaviour, spoken to over HTTP on loopback. */
class SimulatedMinerIntegrationTest {

  @TempDir
  Path dir;

  private final Identity validator = Identity.generate();
  private final ExecutorService workers = Executors.newSingleThreadExecutor();
  private final MinerFactory factory = new MinerFactory(TaskKinds.of(new EchoKind()), workers);
  private Miner miner;

  @AfterEach
  void stop() {
    if (miner != null) {
      miner.close();
    }
    workers.shutdownNow();
  }

  @Test
  void overclaimingMiner_declaresFiveTimesItsCapacityButServesOnlyItsCapacity() throws Exception {
    ValidatorClient client = start(config("overclaimer", 10).withBehaviour(Behaviour.OVERCLAIM));

    JsonNode declared = capacity(client);
    assertThat(declared.path("volume").asLong()).isEqualTo(50);
    assertThat(declared.path("max_concurrency").asInt()).isEqualTo(4);

    byte[] body = EchoKind.body("echo-1", "12345678");
    assertThat(client.signed("POST", "/v1/echo", body).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> shed = client.signed("POST", "/v1/echo", body);
    assertThat(shed.statusCode()).isEqualTo(429);
    assertThat(shed.headers().firstValue("Retry-After")).isPresent();
    assertThat(Json.MAPPER.readTree(shed.body()).path("error").path("code").asText())
        .isEqualTo("rate_limited");

    JsonNode after = capacity(client);
    assertThat(after.path("volume").asLong()).isEqualTo(50);
    assertThat(after.path("consumed").asLong()).isEqualTo(8);
  }

  @Test
  void honestMiner_declaresWhatItServes() throws Exception {
    ValidatorClient client = start(config("honest", 10));
    assertThat(capacity(client).path("volume").asLong()).isEqualTo(10);
  }

  @Test
  void slowMiner_answersCorrectlyAndStopsItsTimerWhenClosed() throws Exception {
    ValidatorClient client = start(config("slowpoke", 1_000).withBehaviour(Behaviour.SLOW));
    assertThat(timerThreads("slowpoke")).isEqualTo(1);
    HttpResponse<byte[]> answer =
        client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "hello"));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(new String(answer.body())).contains("hello");

    miner.close();
    miner = null;
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> timerThreads("slowpoke") == 0);
  }

  private static long timerThreads(String miner) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("slow-timer-" + miner + "/"))
        .count();
  }

  @Test
  void badProofMiner_servesTasksWithoutProofsHonestly() throws Exception {
    ValidatorClient client = start(config("prover", 10).withBehaviour(Behaviour.BAD_PROOF));
    assertThat(capacity(client).path("volume").asLong()).isEqualTo(10);
    HttpResponse<byte[]> answer =
        client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "hello"));
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(new String(answer.body())).contains("hello");
  }

  @Test
  void aTaskWhoseBackendCannotRun_declaresNoCapacity_andTheOthersServe() throws Exception {
    MinerConfig config = new MinerConfig("partial", dir.resolve("partial.key"), "127.0.0.1", 0,
        Duration.ofMinutes(60), List.of(validator.hotkey()), false,
        List.of(new MinerConfig.TaskConfig("echo", "echo-1", 10, 4, null),
            new MinerConfig.TaskConfig("echo", EchoKind.OFFLINE_MODEL, 10, 4, null)));
    ValidatorClient client = start(config);
    HttpResponse<byte[]> response = client.signed("GET", "/capacity", new byte[0]);
    JsonNode tasks = Json.MAPPER.readTree(response.body()).path("tasks");
    assertThat(tasks.path("echo/echo-1").path("volume").asLong()).isEqualTo(10);
    assertThat(tasks.path("echo/" + EchoKind.OFFLINE_MODEL).path("volume").asLong()).isZero();
    assertThat(client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "hi")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void goDarkMiner_declaresTheMostAtItsFirstPoll_then503_andFailsEveryRequest()
      throws Exception {
    ValidatorClient client = start(config("dark", 10).withBehaviour(Behaviour.GO_DARK));

    assertThat(capacity(client).path("volume").asLong()).isEqualTo(Long.MAX_VALUE / 4);
    HttpResponse<byte[]> later = client.signed("GET", "/capacity", new byte[0]);
    assertThat(later.statusCode()).isEqualTo(503);
    HttpResponse<byte[]> answer =
        client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "hello"));
    assertThat(answer.statusCode()).isEqualTo(502);
    assertThat(Json.MAPPER.readTree(answer.body()).path("error").path("code").asText())
        .isEqualTo("backend_failed");
  }

  private MinerConfig config(String name, long capacity) {
    return new MinerConfig(name, dir.resolve(name + ".key"), "127.0.0.1", 0,
        Duration.ofMinutes(60), List.of(validator.hotkey()), false,
        List.of(new MinerConfig.TaskConfig("echo", "echo-1", capacity, 4, null)));
  }

  private ValidatorClient start(MinerConfig config) throws Exception {
    miner = factory.create(config);
    miner.start().toCompletableFuture().join();
    return new ValidatorClient(validator, miner);
  }

  private static JsonNode capacity(ValidatorClient client) throws Exception {
    HttpResponse<byte[]> response = client.signed("GET", "/capacity", new byte[0]);
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body()).path("tasks").path("echo/echo-1");
  }
}
