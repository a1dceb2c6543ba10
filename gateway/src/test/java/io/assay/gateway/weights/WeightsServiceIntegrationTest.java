package io.assay.gateway.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.ScoringParams;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights computed just after a period began, before every miner's declaration for it is
 * recorded, are those of the period before, not all zeros (real Redis, real event stream).
 */
class WeightsServiceIntegrationTest {

  private static final String TASK = "llm/reference-lm";
  private static final long PERIOD = 60_000;

  private PrivateRedis redisServer;
  private Redis redis;
  private Vertx vertx;
  private EventStream events;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    redisServer = PrivateRedis.start(dir.resolve("redis"));
    redis = Redis.connect(redisServer.url());
    vertx = Vertx.vertx();
    events = new EventStream(redis);
    // Period 0: weights, alice's declaration and ten answers.
    append(new TaskWeightsChanged(0, Map.of(TASK, 1.0), "config"));
    append(new CapacityDeclared(0, "alice", TASK, 1_000));
    for (int i = 0; i < 10; i++) {
      append(new RequestOutcome(1_000 + i, 0, "alice", TASK, "a" + i,
          RequestOutcome.Outcome.SUCCESS, 10, 0.5, true));
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    redis.close();
    redisServer.close();
  }

  @Test
  void justAfterAPeriodBegins_weightsAreThoseOfThePeriodBefore() throws Exception {
    long now = PERIOD + 100; // period 1 has begun; its declarations are not in yet
    WeightReport report = service(now, 0).compute().await(30, TimeUnit.SECONDS);
    assertThat(report.computedAt()).isEqualTo(PERIOD - 1);
    assertThat(report.weights()).containsEntry("alice", 1.0);
  }

  @Test
  void onceThePeriodsDeclarationsAreIn_weightsAreComputedAsOfNow() throws Exception {
    long now = PERIOD + 100;
    append(new CapacityDeclared(1, "alice", TASK, 1_000));
    WeightReport report = service(now, 1).compute().await(30, TimeUnit.SECONDS);
    assertThat(report.computedAt()).isEqualTo(now);
    assertThat(report.weights()).containsEntry("alice", 1.0);
  }

  private WeightsService service(long nowMillis, long declaredThrough) {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
    ScoringParams params = new ScoringParams(Duration.ofMillis(PERIOD), Duration.ofDays(5), 50,
        0.85, 1.5, 0.30, 0.5, Duration.ofMillis(PERIOD * 72), 8, 0.25, 0.5, 4);
    return new WeightsService(vertx, events, redis, params, clock, () -> declaredThrough);
  }

  private void append(io.assay.gateway.scoring.ScoringEvent event) throws Exception {
    events.append(event).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
