package io.assay.gateway.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.audit.Computation;
import io.assay.gateway.audit.EventArchive;
import io.assay.gateway.audit.EventExport;
import io.assay.gateway.audit.EventStream;
import io.assay.gateway.scoring.Retention;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringEvent.CapacityDeclared;
import io.assay.gateway.scoring.ScoringEvent.QualityChecked;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TaskWeightsChanged;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringParams;
import io.assay.gateway.scoring.WeightCalculator;
import io.assay.gateway.scoring.WeightReport;
import io.assay.gateway.state.PrivateRedis;
import io.assay.gateway.state.Redis;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weights service on a real Redis with scoring windows of minutes: a computation reads only
 * the entries recorded since the last one, the stream is trimmed of what every window has left
 * once it is archived, {@code export-events} still writes every event and recomputes every
 * computation bit for bit, and a restarted service rebuilds from the trimmed stream.
 */
class IncrementalWeightsIntegrationTest {

  private static final String TASK = "llm/reference-lm";
  private static final long MINUTE = 60_000;
  /** One-minute periods, a 5-minute quality window, 3 periods of volume. */
  private static final ScoringParams PARAMS = new ScoringParams(Duration.ofMinutes(1),
      Duration.ofSeconds(1), Duration.ofMinutes(5), 2, 0.85, 1.5, 0.5, 1.0,
      Duration.ofMinutes(3), 6, 1, 0.25, 1.5, Duration.ofSeconds(1), 3, null,
      new TreeMap<>(Map.of(TASK, ScoringParams.TaskParams.throughput(0))));

  private PrivateRedis redisServer;
  private Redis redis;
  private Vertx vertx;
  private EventStream events;
  private Path archiveDir;
  private final List<ScoringEvent> appended = new ArrayList<>();
  private final List<String> ids = new ArrayList<>();

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    redisServer = PrivateRedis.start(dir.resolve("redis"));
    redis = Redis.connect(redisServer.url());
    vertx = Vertx.vertx();
    events = new EventStream(redis);
    archiveDir = dir.resolve("archive");
    append(ScoringEvent.ParamsChanged.of(0, PARAMS));
    append(new TaskWeightsChanged(0, Map.of(TASK, 1.0), "config"));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    redis.close();
    redisServer.close();
  }

  @Test
  void computationsReadOnlyNewEntries_andTrimOnlyWhatTheyArchived() throws Exception {
    minutes(1, 12);
    WeightsService service = service();
    long first = 12 * MINUTE;
    WeightReport one = service.compute(first).await(30, TimeUnit.SECONDS);
    assertThat(one).isEqualTo(WeightCalculator.compute(appended, first));
    assertThat(service.entriesRead()).isEqualTo(appended.size());
    assertThat(events.length().await(10, TimeUnit.SECONDS)).isLessThan(appended.size());

    minutes(12, 20);
    long second = 20 * MINUTE;
    int total = appended.size();
    WeightReport two = service.compute(second).await(30, TimeUnit.SECONDS);
    assertThat(two).isEqualTo(WeightCalculator.compute(appended, second));
    assertThat(service.entriesRead()).as("only the new entries were read").isEqualTo(total);
    assertThat(two.weights().get("alice")).isPositive();

    // Everything before 20 - 5 - 1 minutes (the quality window and the margin) went to the
    // archive; the stream kept the parameters, weights and what the state still holds.
    long kept = events.length().await(10, TimeUnit.SECONDS);
    assertThat(kept).isLessThan(total / 2);
    EventArchive archive = new EventArchive(archiveDir);
    List<String> archived = new ArrayList<>();
    archive.forEach(e -> archived.add(e.id()));
    assertThat(archived).isNotEmpty().isSubsetOf(ids);
    assertThat(archived.size() + kept).isGreaterThanOrEqualTo(total);

    // The export writes every event once, in order, and recomputes both computations.
    Path file = archiveDir.resolveSibling("events.jsonl");
    List<Computation> history = new ArrayList<>(service.history(10).await(10, TimeUnit.SECONDS));
    Collections.reverse(history);
    long written = EventExport.write(file, archive,
        after -> events.readAfter(after, 7).await(10, TimeUnit.SECONDS), history);
    assertThat(written).isEqualTo(total);
    List<String> exportedIds = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("{\"id\"")) {
        exportedIds.add(line.substring(7, line.indexOf('"', 7)));
      }
    }
    assertThat(exportedIds).isEqualTo(ids);
    assertThat(EventExport.recompute(file)).hasSize(2)
        .allSatisfy(c -> assertThat(c.identical()).isTrue());

    // A restarted service rebuilds from the trimmed stream and computes the same.
    WeightsService restarted = service();
    assertThat(restarted.compute(second).await(30, TimeUnit.SECONDS)).isEqualTo(two);
    assertThat(restarted.entriesRead()).isEqualTo(kept);
    minutes(20, 26);
    long third = 26 * MINUTE;
    WeightReport expected = WeightCalculator.compute(appended, third);
    assertThat(restarted.compute(third).await(30, TimeUnit.SECONDS)).isEqualTo(expected);
    assertThat(service.compute(third).await(30, TimeUnit.SECONDS)).isEqualTo(expected);
  }

  @Test
  void anEntryRecordedAfterTheComputationsTime_waitsForTheNext() throws Exception {
    minutes(1, 4);
    long at = 4 * MINUTE;
    append(new CapacityDeclared(at + 5, 4, "carol", TASK, 10, 1));
    minutes(4, 5);
    WeightsService service = service();
    WeightReport report = service.compute(at).await(30, TimeUnit.SECONDS);
    assertThat(report.miners()).doesNotContainKey("carol");
    List<Computation> history = service.history(1).await(10, TimeUnit.SECONDS);
    assertThat(history.get(0).upto()).isEqualTo(ids.get(ids.size() - 2 - perMinute()));
    assertThat(service.compute(5 * MINUTE).await(30, TimeUnit.SECONDS).miners())
        .containsKey("carol");
  }

  @Test
  void aComputationForAnEarlierTime_isMadeAfresh_fromTheArchiveWhenTheStreamNoLongerHasIt()
      throws Exception {
    minutes(1, 12);
    WeightsService service = service();
    service.compute(12 * MINUTE).await(30, TimeUnit.SECONDS);
    assertThat(Files.list(archiveDir)).isNotEmpty();
    // within the margin the stream still has it; three minutes back only the archive has
    for (long earlier : new long[] {11 * MINUTE + 30_000, 9 * MINUTE - 1}) {
      List<ScoringEvent> visible = new ArrayList<>();
      for (ScoringEvent e : appended) {
        if (e.at() > earlier) {
          break;
        }
        visible.add(e);
      }
      assertThat(service.compute(earlier).await(30, TimeUnit.SECONDS))
          .isEqualTo(WeightCalculator.compute(visible, earlier));
    }
    assertThat(service.compute(12 * MINUTE).await(30, TimeUnit.SECONDS))
        .isEqualTo(WeightCalculator.compute(appended, 12 * MINUTE));
  }

  private WeightsService service() {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(0), ZoneOffset.UTC);
    return new WeightsService(vertx, events, redis, clock, report -> { },
        new WeightsService.Settings(Retention.withMargin(Duration.ofMinutes(1)),
            new EventArchive(archiveDir), Runnable::run));
  }

  private static int perMinute() {
    return 2 + 4 * 2 + 3 + 1;
  }

  /**
   * Periods {@code from .. to - 1}: alice and bob declare; alice serves four checked answers,
   * bob two unchecked and one failure; the test plan comes when its window ends.
   */
  private void minutes(int from, int to) throws Exception {
    for (int m = from; m < to; m++) {
      long base = m * MINUTE;
      append(new CapacityDeclared(base + 100, m, "alice", TASK, 40, 2));
      append(new CapacityDeclared(base + 100, m, "bob", TASK, 40, 2));
      for (int i = 0; i < 4; i++) {
        long assigned = base + 1_000 + i * 2_000;
        append(new RequestOutcome(assigned + 500 + i, assigned, m, "alice", TASK,
            "a" + m + "-" + i, Outcome.SUCCESS, 10, 10, 0.5 + i / 8.0, i % 2 == 0, 1.0));
        append(new QualityChecked(assigned + 900, "alice", TASK, "a" + m + "-" + i,
            i == 3 ? 0.9 : 1.0));
      }
      for (int i = 0; i < 3; i++) {
        long assigned = base + 20_000 + i * 3_000;
        append(new RequestOutcome(assigned + 700, assigned, m, "bob", TASK, "b" + m + "-" + i,
            i == 2 ? Outcome.FAILED : Outcome.SUCCESS, 10, i == 2 ? 0 : 10, 0.7, false, null));
      }
      append(new TestPlanned(base + 41_000, m, TASK, 0.5, base + 1_000, base + 31_000));
    }
  }

  private void append(ScoringEvent event) throws Exception {
    ids.add(events.append(event).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS));
    appended.add(event);
  }
}
