package io.assay.checking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.task.Checker.CheckItem;
import io.assay.task.Json;
import io.assay.task.TaskKinds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Checking services against a real redis-server, fed the way the gateway feeds them. One Redis
 * for the class ({@link #startRedis}, which a subclass may change), emptied before each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckingServiceIntegrationTest {

  private static final Duration PATIENCE = Duration.ofSeconds(15);

  private TestRedis redis;
  private final List<CheckingService> services = new ArrayList<>();

  /** The Redis these tests run against. */
  TestRedis startRedis() {
    return TestRedis.start();
  }

  @BeforeAll
  void start() {
    redis = startRedis();
  }

  @AfterAll
  void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void emptyRedis() {
    redis.flush();
  }

  @AfterEach
  void stopServices() {
    services.forEach(s -> s.stop(Duration.ZERO));
    services.clear();
  }

  private CheckingService start(String consumer, FakeKind kind,
      Function<CheckingOptions, CheckingOptions> tweak) {
    CheckingOptions options = tweak.apply(CheckingOptions.defaults(redis.url())
        .withConsumerName(consumer).withBatch(8).withWorkers(2).withPort(0));
    CheckingService service = CheckingService.start(options, TaskKinds.of(kind));
    services.add(service);
    return service;
  }

  @Test
  void queuedAnswers_becomeQualityCheckedEvents_withTheCheckersQuality() {
    FakeKind kind = FakeKind.scoring();
    Map<String, Double> expected = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      expected.put("ans-" + i, i / 20.0);
      redis.queue("ans-" + i, i / 20.0);
    }
    CheckingService service = start("solo", kind, o -> o);

    await().atMost(PATIENCE).until(() -> redis.events().size() == 20);
    await().atMost(PATIENCE).until(() -> redis.pending() == 0);
    Map<String, Double> quality = new HashMap<>();
    for (String json : redis.events()) {
      JsonNode e = read(json);
      assertThat(fieldNames(e)).containsExactlyInAnyOrder(
          "type", "at", "miner", "task", "answer_id", "quality");
      assertThat(e.path("type").asText()).isEqualTo("quality_checked");
      assertThat(e.path("task").asText()).isEqualTo(FakeKind.TASK);
      assertThat(e.path("miner").asText()).isEqualTo("miner-" + e.path("answer_id").asText());
      assertThat(e.path("at").isIntegralNumber()).isTrue();
      quality.put(e.path("answer_id").asText(), e.path("quality").asDouble());
    }
    assertThat(quality).isEqualTo(expected);
    assertThat(redis.sync().hlen(CheckingStreams.CHECKED)).isEqualTo(20);
    assertThat(redis.sync().hget(CheckingStreams.CHECKED, "ans-5")).isEqualTo("0.25");
    assertThat(service.metrics().checks(FakeKind.TASK, "checked")).isEqualTo(20);
    assertThat(kind.checkersMade).hasValue(1);
  }

  @Test
  void twoServicesOnOneQueue_shareTheWork_andCheckEveryAnswerExactlyOnce() {
    // Each service's first check waits until the other has begun one, so both must get work.
    CountDownLatch bothChecking = new CountDownLatch(2);
    FakeKind first = new FakeKind(rendezvous(bothChecking));
    FakeKind second = new FakeKind(rendezvous(bothChecking));
    for (int i = 0; i < 200; i++) {
      redis.queue("ans-" + i, 0.5);
    }
    CheckingService a = start("a", first, o -> o.withBatch(5).withWorkers(1));
    CheckingService b = start("b", second, o -> o.withBatch(5).withWorkers(1));

    await().atMost(PATIENCE).until(() -> redis.events().size() >= 200);
    await().atMost(PATIENCE).until(() -> redis.pending() == 0);
    assertThat(countByAnswer(redis.events())).hasSize(200).allSatisfy((id, n) ->
        assertThat(n).as(id).isEqualTo(1));
    long byA = a.metrics().checks(FakeKind.TASK, "checked");
    long byB = b.metrics().checks(FakeKind.TASK, "checked");
    assertThat(byA).isPositive();
    assertThat(byB).isPositive();
    assertThat(byA + byB).isEqualTo(200);
  }

  @Test
  void aServiceKilledMidBatch_leavesItsAnswersPending_andAnotherChecksEachExactlyOnce() {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    FakeKind stuck = new FakeKind(new FakeKind.ScoreChecker() {
      @Override
      void beforeCheck(List<CheckItem> items) {
        entered.countDown();
        awaitOrFail(never, Duration.ofMinutes(1));
      }
    });
    for (int i = 0; i < 30; i++) {
      redis.queue("ans-" + i, 0.75);
    }
    CheckingService doomed = start("doomed", stuck, o -> o.withBatch(10).withWorkers(1));
    awaitOrFail(entered, PATIENCE);
    // Backpressure: it holds batch x 2 entries while its checker is stuck, and reads no more.
    long heldByDoomed = 20;
    await().atMost(PATIENCE).until(() -> redis.pending() == heldByDoomed);
    doomed.stop(Duration.ZERO);
    assertThat(redis.events()).isEmpty();
    assertThat(redis.pending()).isEqualTo(heldByDoomed);

    FakeKind healthy = FakeKind.scoring();
    CheckingService rescuer = start("rescuer", healthy,
        o -> o.withClaimTimeout(Duration.ofSeconds(1)));

    await().atMost(PATIENCE).until(() -> redis.events().size() >= 30);
    await().atMost(PATIENCE).until(() -> redis.pending() == 0);
    assertThat(countByAnswer(redis.events())).hasSize(30).allSatisfy((id, n) ->
        assertThat(n).as(id).isEqualTo(1));
    assertThat(rescuer.metrics().claimed()).isEqualTo(heldByDoomed);
    never.countDown();
  }

  @Test
  void anEntryTrimmedFromTheQueueWhilePending_isDroppedWhenClaimed() {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    FakeKind stuck = new FakeKind(new FakeKind.ScoreChecker() {
      @Override
      void beforeCheck(List<CheckItem> items) {
        entered.countDown();
        awaitOrFail(never, Duration.ofMinutes(1));
      }
    });
    String gone = redis.queue("gone", 0.1);
    redis.queue("kept", 0.2);
    CheckingService doomed = start("doomed", stuck, o -> o);
    awaitOrFail(entered, PATIENCE);
    await().atMost(PATIENCE).until(() -> redis.pending() == 2);
    doomed.stop(Duration.ZERO);
    redis.sync().xdel(CheckingStreams.QUEUE, gone);

    start("rescuer", FakeKind.scoring(),
        o -> o.withClaimTimeout(Duration.ofSeconds(1)).withMaxDeliveries(2));

    await().atMost(PATIENCE).until(() -> redis.pending() == 0 && redis.events().size() == 1);
    assertThat(redis.events().get(0)).contains("\"answer_id\":\"kept\"");
    if (redis.majorVersion() >= 7) {
      // Redis 7 drops a deleted entry from the pending list itself when it is claimed.
      assertThat(redis.deadLetters()).isEmpty();
    } else {
      assertThat(redis.deadLetters()).singleElement().satisfies(m -> assertThat(m.getBody())
          .containsEntry("entry_id", gone).doesNotContainKey("answer_id"));
    }
    never.countDown();
  }

  @Test
  void unknownTasks_areAcknowledgedAndDeadLettered_asFailedChecksOfTheService() {
    redis.queue("no-kind", "nokind/model", FakeKind.requestBody("x"),
        FakeKind.answerBody("y", 1));
    redis.queue("no-checker", FakeKind.NAME + "/other-model", FakeKind.requestBody("x"),
        FakeKind.answerBody("y", 1));
    redis.queue("fine", 0.5);
    CheckingService service = start("solo", FakeKind.scoring(), o -> o);

    await().atMost(PATIENCE).until(() -> redis.deadLetters().size() == 2);
    await().atMost(PATIENCE).until(() -> redis.pending() == 0);
    // No verdict was ever given for those tasks: the checking service could not check them,
    // which is not the miners' fault.
    assertThat(redis.events()).map(this::read).extracting(e -> e.path("type").asText() + " "
            + e.path("answer_id").asText() + " " + e.path("cause").asText(""))
        .containsExactlyInAnyOrder("quality_checked fine ", "check_failed no-kind service",
            "check_failed no-checker service");
    assertThat(redis.sync().zcard(CheckingStreams.PENDING)).isZero();
    assertThat(redis.deadLetters()).extracting(m -> m.getBody().get("answer_id"))
        .containsExactlyInAnyOrder("no-kind", "no-checker");
    assertThat(redis.deadLetters()).allSatisfy(m ->
        assertThat(m.getBody().get("reason")).contains("cannot be checked"));
    assertThat(service.metrics().checks("nokind/model", "unknown_task")).isEqualTo(1);
    assertThat(service.metrics().checks(FakeKind.NAME + "/other-model", "unknown_task"))
        .isEqualTo(1);
  }

  @Test
  void anUnparseableAnswer_scoresZero() {
    redis.queue("garbled", FakeKind.TASK, FakeKind.requestBody("x"), "this is not JSON");
    redis.queue("no-score", FakeKind.TASK, FakeKind.requestBody("x"), "{\"text\":\"y\"}");
    CheckingService service = start("solo", FakeKind.scoring(), o -> o);

    await().atMost(PATIENCE).until(() -> redis.events().size() == 2);
    assertThat(redis.events()).map(this::read).allSatisfy(e ->
        assertThat(e.path("quality").asDouble()).isZero());
    assertThat(service.metrics().checks(FakeKind.TASK, "invalid_answer")).isEqualTo(2);
  }

  @Test
  void anAnswerTheCheckerAlwaysFailsOn_isRetried_thenDeadLettered_asAFailedCheck() {
    FakeKind.ScoreChecker failing = new FakeKind.ScoreChecker() {
      @Override
      void beforeCheck(List<CheckItem> items) {
        throw new IllegalStateException("model fell over");
      }
    };
    redis.queue("cursed", 0.9);
    CheckingService service = start("solo", new FakeKind(failing),
        o -> o.withClaimTimeout(Duration.ofSeconds(1)).withMaxDeliveries(2));

    await().atMost(PATIENCE).until(() -> redis.deadLetters().size() == 1);
    await().atMost(PATIENCE).until(() -> redis.pending() == 0);
    Map<String, String> dead = redis.deadLetters().get(0).getBody();
    assertThat(dead).containsEntry("answer_id", "cursed").containsEntry("deliveries", "2")
        .containsEntry("consumer", "solo");
    assertThat(dead.get("reason")).contains("delivered 2 times");
    assertThat(failing.calls).hasValue(2);
    assertThat(redis.events()).map(this::read).singleElement().satisfies(e -> {
      assertThat(e.path("type").asText()).isEqualTo("check_failed");
      assertThat(e.path("answer_id").asText()).isEqualTo("cursed");
      assertThat(e.path("cause").asText()).isEqualTo("service");
    });
    assertThat(redis.sync().hget(CheckingStreams.CHECKED, "cursed")).isEqualTo("failed");
    assertThat(service.metrics().checkerFailures()).isEqualTo(2);
    assertThat(service.metrics().deadLetters()).isEqualTo(1);
  }

  @Test
  void anAnswerOnlyItsCheckerFailsOn_whileOthersOfItsTaskGetVerdicts_failsForCauseAnswer() {
    FakeKind.ScoreChecker picky = new FakeKind.ScoreChecker() {
      @Override
      void beforeCheck(List<CheckItem> items) {
        if (items.stream().anyMatch(i -> ((FakeKind.FakeAnswer) i.answer()).text()
            .equals("poison"))) {
          throw new IllegalStateException("this answer breaks the checker");
        }
      }
    };
    redis.queue("good", 0.8);
    CheckingService service = start("solo", new FakeKind(picky),
        o -> o.withClaimTimeout(Duration.ofSeconds(1)).withMaxDeliveries(2).withBatch(1));
    await().atMost(PATIENCE).until(() -> redis.events().size() == 1);
    redis.queue("poison", FakeKind.TASK, FakeKind.requestBody("x"),
        FakeKind.answerBody("poison", 1));

    await().atMost(PATIENCE).until(() -> redis.events().size() == 2);
    assertThat(read(redis.events().get(1)).path("cause").asText()).isEqualTo("answer");
    assertThat(service.metrics().deadLetters()).isEqualTo(1);
  }

  @Test
  void answersWithoutAVerdictInTime_failOnce_andALateVerdictChangesNothing() throws Exception {
    long now = System.currentTimeMillis();
    redis.queue("slow", FakeKind.TASK, FakeKind.requestBody("x"), FakeKind.answerBody("y", 1),
        now - 120_000);
    redis.queue("fresh", FakeKind.TASK, FakeKind.requestBody("x"), FakeKind.answerBody("y", 1),
        now);
    VerdictTimeouts timeouts = new VerdictTimeouts(redis.async(), Duration.ofMinutes(1));

    assertThat(timeouts.sweep(now).toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(timeouts.sweep(now).toCompletableFuture().get(5, TimeUnit.SECONDS)).isZero();
    assertThat(redis.events()).map(this::read).singleElement().satisfies(e -> {
      assertThat(e.path("type").asText()).isEqualTo("check_failed");
      assertThat(e.path("answer_id").asText()).isEqualTo("slow");
      assertThat(e.path("cause").asText()).isEqualTo("service");
    });

    // The checking server comes back and checks both: only "fresh" gets a verdict.
    CheckingService service = start("late", FakeKind.scoring(), o -> o);
    await().atMost(PATIENCE).until(() -> redis.pending() == 0
        && service.metrics().checks(FakeKind.TASK, "already_checked") == 1);
    assertThat(redis.events()).map(this::read).extracting(e -> e.path("type").asText() + " "
        + e.path("answer_id").asText())
        .containsExactly("check_failed slow", "quality_checked fresh");
    assertThat(redis.sync().zcard(CheckingStreams.PENDING)).isZero();
  }

  @Test
  void anAnswerQueuedTwice_isScoredOnce() {
    redis.queue("twin", 0.5);
    redis.queue("twin", 0.5);
    CheckingService service = start("solo", FakeKind.scoring(), o -> o);

    await().atMost(PATIENCE).until(() -> redis.pending() == 0
        && service.metrics().checks(FakeKind.TASK, "already_checked") == 1);
    assertThat(redis.events()).hasSize(1);
  }

  @Test
  void theConsumerGroupMayAlreadyExist() {
    redis.sync().xgroupCreate(
        io.lettuce.core.XReadArgs.StreamOffset.from(CheckingStreams.QUEUE, "0"),
        CheckingStreams.GROUP, io.lettuce.core.XGroupCreateArgs.Builder.mkstream(true));
    redis.queue("one", 1.0);
    start("solo", FakeKind.scoring(), o -> o);

    await().atMost(PATIENCE).until(() -> redis.events().size() == 1);
  }

  private static FakeKind.ScoreChecker rendezvous(CountDownLatch both) {
    return new FakeKind.ScoreChecker() {
      private boolean met;

      @Override
      synchronized void beforeCheck(List<CheckItem> items) {
        if (!met) {
          both.countDown();
          awaitOrFail(both, PATIENCE);
          met = true;
        }
      }
    };
  }

  private static void awaitOrFail(CountDownLatch latch, Duration timeout) {
    try {
      if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("timed out waiting");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Map<String, Long> countByAnswer(List<String> events) {
    return events.stream().map(json -> readStatic(json).path("answer_id").asText())
        .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private JsonNode read(String json) {
    return readStatic(json);
  }

  private static JsonNode readStatic(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
