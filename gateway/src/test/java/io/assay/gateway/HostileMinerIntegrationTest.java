package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.HostileMinerProxy.Mode;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.task.TaskSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 4: a miner that hangs, drips bytes, sends garbage, the wrong content type, a
 * huge body, or hangs up mid-answer is cut at a time or size limit, its attempt recorded as
 * failed, and while a healthy miner remains users see no error. A stream that never ends is
 * cut by its deadline with {@code stream_interrupted}: once relaying began, that is the contract.
 */
class HostileMinerIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 100_000_000, 128);
  private static final List<HostileMinerProxy> proxies = new ArrayList<>();
  private static LlmTestGateway test;
  private static HostileMinerProxy hostile;
  private static String hostileKey;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    test = LlmTestGateway.start("assay-hostile", Map.of("ASSAY_SYNTHETIC_ENABLED", "false",
            "ASSAY_ROUTING_MINER_TIMEOUT", "3s", "ASSAY_ROUTING_FAILURE_COOLDOWN", "100ms",
            "ASSAY_STREAM_TTFT_MAX", "2s"),
        null, SPEC, 16, reference -> Map.of("healthy", reference, "hostile", reference),
        miner -> miner.name().equals("hostile") ? HostileMinerProxy.inFront(miner, proxies)
            : "http://127.0.0.1:" + miner.port());
    hostile = proxies.get(0);
    hostileKey = test.miners.stream().filter(m -> m.name().equals("hostile")).findFirst()
        .orElseThrow().hotkey().value();
  }

  @AfterAll
  static void stop() {
    test.close();
    proxies.forEach(HostileMinerProxy::close);
  }

  @Test
  void everyBrokenAnswer_isCut_andTheUserIsServedByTheHealthyMiner() throws Exception {
    Map<Mode, Integer> users = new EnumMap<>(Mode.class);
    for (Mode mode : List.of(Mode.GARBAGE, Mode.WRONG_TYPE, Mode.DISCONNECT, Mode.HUGE,
        Mode.HANG, Mode.DRIP)) {
      hostile.mode(mode);
      int[] sent = {0};
      // Until routing has tried the hostile miner in this mode (it draws between the two).
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        HttpResponse<String> answer = test.chat("hi", 8, false);
        sent[0]++;
        assertThat(answer.statusCode()).as(mode + ": " + answer.body()).isEqualTo(200);
        assertThat(hostile.hits(mode)).as(mode + " tried").isPositive();
      });
      users.put(mode, sent[0]);
    }
    System.out.println("hostile miner: user requests per mode, all answered 200: " + users);
    assertThat(ready()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<RequestOutcome> outcomes = outcomes();
      long tried = List.of(Mode.GARBAGE, Mode.WRONG_TYPE, Mode.DISCONNECT, Mode.HUGE, Mode.HANG,
          Mode.DRIP).stream().mapToLong(hostile::hits).sum();
      assertThat(outcomes).hasSizeGreaterThanOrEqualTo((int) tried);
      assertThat(outcomes).noneMatch(o -> o.outcome() == RequestOutcome.Outcome.SUCCESS);
    });
  }

  @Test
  void aStreamThatNeverEnds_isCutWithStreamInterrupted() throws Exception {
    hostile.mode(Mode.ENDLESS_STREAM);
    String body = null;
    while (hostile.hits(Mode.ENDLESS_STREAM) == 0) {
      HttpResponse<String> answer = test.chat("hi", 8, true);
      assertThat(answer.statusCode()).isEqualTo(200);
      body = answer.body();
    }
    assertThat(body).as("the stream the hostile miner served")
        .contains("\"code\":\"stream_interrupted\"").doesNotContain("data: [DONE]");
    hostile.mode(Mode.PASS);
  }

  private List<RequestOutcome> outcomes() {
    return test.gateway.call(() -> test.gateway.events().readAll(), "events").stream()
        .map(e -> e.event())
        .filter(e -> e instanceof RequestOutcome o && o.miner().equals(hostileKey)
            && o.assignedAt() > 0)
        .map(e -> (RequestOutcome) e).toList();
  }

  private int ready() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(test.gateway.baseUrl()
        .replace("/v1", "/health/ready"))).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }
}
