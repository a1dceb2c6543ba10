package io.assay.gateway.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights computed from the event log in a real Redis: the parameters come from the log, only
 * completed periods are scored, and every report is kept and handed on.
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
    append(ScoringEvent.ParamsChanged.of(0,
        ScoringParams.defaults().compressed(Duration.ofMillis(PERIOD))));
    append(new TaskWeightsChanged(0, Map.of(TASK, 1.0), "config"));
    // Period 0: alice declares and serves ten checked answers; bob declares and serves nothing.
    append(new CapacityDeclared(100, 0, "alice", TASK, 1_000, 4));
    append(new CapacityDeclared(100, 0, "bob", TASK, 1_000, 4));
    for (int i = 0; i < 10; i++) {
      append(new RequestOutcome(3_000 + i, 2_000 + i, 0, "alice", TASK, "a" + i,
          RequestOutcome.Outcome.SUCCESS, 10, 10, 0.5, true, 1.0));
      append(new QualityChecked(4_000 + i, "alice", TASK, "a" + i, 1.0));
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    redis.close();
    redisServer.close();
  }

  @Test
  void aComputationScoresTheCompletedPeriods_keepsTheReport_andHandsItOn() throws Exception {
    List<WeightReport> handed = new CopyOnWriteArrayList<>();
    WeightsService service = service(PERIOD + 100, handed);
    WeightReport report = service.compute().await(30, TimeUnit.SECONDS);

    assertThat(report.computedAt()).isEqualTo(PERIOD + 100);
    assertThat(report.lastPeriod()).isZero();
    assertThat(report.weights()).containsEntry("alice", 1.0).containsEntry("bob", 0.0);
    assertThat(handed).containsExactly(report);
    assertThat(service.latest()).isEqualTo(report);
    assertThat(service.history(10).await(10, TimeUnit.SECONDS)).singleElement()
        .satisfies(c -> assertThat(c.weights()).isEqualTo(report.weights()));

    WeightsService restarted = service(PERIOD + 200, handed);
    restarted.loadLatest().await(10, TimeUnit.SECONDS);
    assertThat(restarted.latest()).isEqualTo(report);
  }

  @Test
  void midPeriod_theRunningPeriodIsNotScoredYet() throws Exception {
    WeightReport report = service(PERIOD / 2, new CopyOnWriteArrayList<>()).compute()
        .await(30, TimeUnit.SECONDS);
    assertThat(report.lastPeriod()).isEqualTo(-1);
    assertThat(report.weights().values()).containsOnly(0.0);
  }

  private WeightsService service(long nowMillis, List<WeightReport> handed) {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
    return new WeightsService(vertx, events, redis, clock, handed::add);
  }

  private void append(ScoringEvent event) throws Exception {
    events.append(event).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
