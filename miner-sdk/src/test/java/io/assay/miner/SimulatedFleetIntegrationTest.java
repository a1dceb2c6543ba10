package io.assay.miner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.miner.sim.Machine;
import io.assay.miner.sim.MinerSpec;
import io.assay.miner.sim.MinerSpecs;
import io.assay.miner.sim.ServiceModel;
import io.assay.miner.sim.SimulatedFleet;
import io.assay.protocol.Identity;
import io.assay.task.Json;
import io.assay.task.TaskKinds;
import io.assay.task.llm.LlmKind;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Miners built by a {@link SimulatedFleet}, spoken to over HTTP on loopback: machines that take
 * their model's time and shed with 429 when full, shared by timeshare identities, and the
 * behaviours that show only on the wire (go-dark, late, staller).
 */
class SimulatedFleetIntegrationTest {

  private static final String ECHO_TASK = "echo/echo-1";
  // Requests that must still hold their slot when a second one arrives take 2 s: long enough
  // for the second to arrive on a busy machine, short enough for a test.
  private static final long MAX = 1_000_000_000L;

  @TempDir
  Path dir;

  private final Identity validator = Identity.generate();
  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private final MinerFactory factory =
      new MinerFactory(TaskKinds.of(new EchoKind(), new LlmKind()), workers);
  private final List<Miner> miners = new ArrayList<>();
  private SimulatedFleet fleet;

  @AfterEach
  void stop() {
    miners.forEach(Miner::close);
    if (fleet != null) {
      fleet.close();
    }
    workers.shutdownNow();
  }

  @Test
  void anHonestMiner_answersNoSoonerThanItsModel_andASybilNTimesLater() throws Exception {
    fleet("honest:1,sybil:3", echoModel(1, 0.2), Duration.ofMinutes(60));
    ValidatorClient honest = start("honest-1");
    ValidatorClient sybil = start("sybil-2");

    assertThat(timedMillis(honest)).isGreaterThanOrEqualTo(200);
    assertThat(timedMillis(sybil)).isGreaterThanOrEqualTo(600);
  }

  @Test
  void anOverclaimingMiner_declaresFiveTimesItsMachine_andItsMachineShedsWith429()
      throws Exception {
    fleet("overclaim:1", echoModel(1, 2.0), Duration.ofMinutes(60));
    ValidatorClient client = start("overclaim-1");
    JsonNode declared = capacity(client);
    assertThat(declared.path("max_concurrency").asInt()).isEqualTo(5);
    long honest = (long) (SimulatedFleet.DECLARED_SHARE
        * fleet.model().capacityPerPeriod("echo", 5, Duration.ofMinutes(60)));
    assertThat(declared.path("volume").asLong()).isEqualTo(5 * honest);

    CompletableFuture<HttpResponse<byte[]>> first = echoAsync(client);
    Machine machine = fleet.machine("overclaim-1");
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> machine.inUse(ECHO_TASK) == 1);
    HttpResponse<byte[]> shed = echo(client);

    assertThat(shed.statusCode()).isEqualTo(429);
    assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(Json.MAPPER.readTree(shed.body()).path("error").path("message").asText())
        .contains("no free slot");
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void timeshareIdentities_shareTheirMachine_soOneWaitsWhileAnotherHoldsIt() throws Exception {
    fleet("timeshare:2", echoModel(1, 2.0), Duration.ofMinutes(60));
    ValidatorClient one = start("timeshare-1");
    ValidatorClient two = start("timeshare-2");
    assertThat(capacity(one).path("volume").asLong())
        .isEqualTo(capacity(two).path("volume").asLong())
        .isEqualTo((long) (SimulatedFleet.DECLARED_SHARE
            * fleet.model().capacityPerPeriod("echo", 5, Duration.ofMinutes(60))));

    CompletableFuture<HttpResponse<byte[]>> first = echoAsync(one);
    Machine machine = fleet.machine("timeshare");
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> machine.inUse(ECHO_TASK) == 1);
    assertThat(echo(two).statusCode()).isEqualTo(429);

    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(machine.inUse(ECHO_TASK)).isZero();
    assertThat(echo(two).statusCode()).isEqualTo(200);
  }

  @Test
  void aGoDarkMiner_declaresTheMostAtTheFirstPoll_then503_andFailsRequests() throws Exception {
    fleet("go-dark:1", echoModel(4, 0.01), Duration.ofMinutes(60));
    ValidatorClient client = start("go-dark-1");

    assertThat(capacity(client).path("volume").asLong()).isEqualTo(Long.MAX_VALUE / 4);
    assertThat(client.signed("GET", "/capacity", new byte[0]).statusCode()).isEqualTo(503);
    assertThat(client.signed("GET", "/capacity", new byte[0]).statusCode()).isEqualTo(503);
    assertThat(echo(client).statusCode()).isEqualTo(502);
  }

  @Test
  void aLateMiner_answers503AtEachPeriodStart_andDeclaresLater() throws Exception {
    fleet("late:1", echoModel(4, 0.01), Duration.ofSeconds(2));
    ValidatorClient client = start("late-1");
    boolean[] seen = new boolean[2];

    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          int status = client.signed("GET", "/capacity", new byte[0]).statusCode();
          assertThat(status).isIn(200, 503);
          seen[status == 503 ? 0 : 1] = true;
          return seen[0] && seen[1];
        });
  }

  @Test
  void aStaller_sendsTheFirstChunkThenKeepAlives_andFreesItsSlotWhenTheValidatorLeaves()
      throws Exception {
    fleet("staller:1", ServiceModel.reference(), Duration.ofMinutes(60));
    SimulatedFleet f = fleet;
    MinerSpec spec = spec("staller-1");
    MinerConfig config = config(spec, List.of(
        f.taskConfig(spec, "llm", "reference-lm", 16, MAX)));
    ValidatorClient client = start(config, spec);
    byte[] body = ("{\"model\":\"reference-lm\",\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"Tell me about the river.\"}],\"max_tokens\":16,\"seed\":3,\"logprobs\":true,"
        + "\"top_logprobs\":2,\"stream\":true}").getBytes(StandardCharsets.UTF_8);

    HttpResponse<InputStream> response = client.signedStream("POST", "/v1/chat/completions",
        body);
    assertThat(response.statusCode()).isEqualTo(200);
    BufferedReader lines = new BufferedReader(
        new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    List<String> events = CompletableFuture.supplyAsync(() -> readEvents(lines, 4))
        .get(30, TimeUnit.SECONDS);

    assertThat(events.get(0)).startsWith("data: {").contains("\"role\":\"assistant\"");
    assertThat(events.subList(1, 4)).containsOnly(": keep-alive");
    Machine machine = fleet.machine("staller-1");
    assertThat(machine.inUse("llm/reference-lm")).isEqualTo(1);

    response.body().close();
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> machine.inUse("llm/reference-lm") == 0);
  }

  /** The first {@code count} events (non-blank lines) of a stream. */
  private static List<String> readEvents(BufferedReader lines, int count) {
    List<String> out = new ArrayList<>();
    try {
      String line;
      while (out.size() < count && (line = lines.readLine()) != null) {
        if (!line.isEmpty()) {
          out.add(line);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  private void fleet(String specs, ServiceModel model, Duration period) {
    fleet = new SimulatedFleet(MinerSpecs.parse(specs), model, period);
  }

  /** The reference model with echo requests of {@code seconds} each, on {@code slots} slots. */
  private static ServiceModel echoModel(int slots, double seconds) {
    return new ServiceModel(slots, ServiceModel.reference()
        .with("echo", new ServiceModel.Times(seconds, 0)).byKind());
  }

  private MinerSpec spec(String name) {
    return fleet.specs().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private ValidatorClient start(String name) throws Exception {
    MinerSpec spec = spec(name);
    return start(config(spec, List.of(fleet.taskConfig(spec, "echo", "echo-1", 5, MAX))), spec);
  }

  private ValidatorClient start(MinerConfig config, MinerSpec spec) throws Exception {
    Miner miner = fleet.create(factory, config, spec);
    miners.add(miner);
    miner.start().toCompletableFuture().join();
    return new ValidatorClient(validator, miner);
  }

  private MinerConfig config(MinerSpec spec, List<MinerConfig.TaskConfig> tasks) {
    return new MinerConfig(spec.name(), dir.resolve(spec.name() + ".key"), "127.0.0.1", 0,
        fleet.period(), List.of(validator.hotkey()), false, tasks);
  }

  private static long timedMillis(ValidatorClient client) throws Exception {
    long start = System.nanoTime();
    HttpResponse<byte[]> answer = echo(client);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("hello");
    return millis;
  }

  private static HttpResponse<byte[]> echo(ValidatorClient client) throws Exception {
    return client.signed("POST", "/v1/echo", EchoKind.body("echo-1", "hello"));
  }

  private static CompletableFuture<HttpResponse<byte[]>> echoAsync(ValidatorClient client) {
    return client.signedAsync("POST", "/v1/echo", EchoKind.body("echo-1", "hello"));
  }

  private static JsonNode capacity(ValidatorClient client) throws Exception {
    HttpResponse<byte[]> response = client.signed("GET", "/capacity", new byte[0]);
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body()).path("tasks").path(ECHO_TASK);
  }
}
