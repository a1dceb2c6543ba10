package io.assay.gateway.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.assay.gateway.period.ManualClock;
import io.assay.gateway.period.Timeline;
import io.assay.gateway.routing.MinerDirectory;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.routing.TaskCapacity;
import io.assay.gateway.routing.TestMiners;
import io.assay.gateway.routing.TestWindow;
import io.assay.gateway.scoring.ScoringEvent;
import io.assay.gateway.scoring.ScoringEvent.RequestOutcome.Outcome;
import io.assay.gateway.scoring.ScoringEvent.TestPlanned;
import io.assay.gateway.scoring.ScoringEvent.TestShortfall;
import io.assay.task.Task;
import io.assay.task.TaskKinds;
import io.assay.task.TaskSpec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SCORING.md section 2: one shared test window per task and period, run through the timeline. */
class TestWindowsTest {

  private static final long PERIOD = 3_600_000;
  private static final long GRACE = 120_000;
  private static final String TASK = "embeddings/all-MiniLM-L6-v2";
  private static final long UPR = 64;

  private Vertx vertx;
  private Context context;
  private ManualClock clock;
  private Timeline timeline;
  private final MinerDirectory directory = new MinerDirectory();
  private final List<ScoringEvent> recorded = new CopyOnWriteArrayList<>();
  private Map<String, Task> tasks;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    clock = new ManualClock(0);
    timeline = new Timeline(context, clock, 5);
    Task task = TaskKinds.discover().byName("embeddings").orElseThrow()
        .bind(new TaskSpec("embeddings", "all-MiniLM-L6-v2", 1_000_000, UPR));
    tasks = new LinkedHashMap<>(Map.of(TASK, task));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private MinerNode miner(String name, long declared) {
    MinerNode node = TestMiners.node(name);
    node.bind(TASK, 0, declared, 100);
    directory.put(node);
    return node;
  }

  private TestWindows windows(long budget, TestWindows.WindowSender sender) {
    return windows(budget, sender, new SplittableRandom(11));
  }

  private TestWindows windows(long budget, TestWindows.WindowSender sender,
      RandomGenerator random) {
    return new TestWindows(directory, tasks, t -> budget, timeline, sender, recorded::add,
        TestFractions.defaults(), random, PERIOD, GRACE, 5);
  }

  /** Draws of 0: the first test fraction, and a window starting the instant the grace ends. */
  private static final RandomGenerator EARLIEST = () -> 0L;

  /** Plays the dispatcher: reserves a typical request and settles it served at once. */
  private TestWindows.WindowSender serving(AtomicInteger sent) {
    return (node, task, room, ended) -> {
      TaskCapacity cap = node.capacity(TASK, 0);
      TaskCapacity.Reservation r = TestMiners.reserve(cap, UPR, clock.millis());
      if (r == null) {
        return TestWindows.Sent.NO_ROOM;
      }
      TestMiners.settle(r, UPR, false);
      sent.incrementAndGet();
      return TestWindows.Sent.SENT;
    };
  }

  private <T> T onContext(java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  /** Moves the clock to {@code millis} and waits until the timeline has run what was due. */
  private void runTo(long millis) throws Exception {
    clock.set(millis);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    timeline.at(millis, () -> drained.complete(null));
    drained.get(10, TimeUnit.SECONDS);
  }

  @Test
  void oneWindowPerTask_sharedByItsMiners_afterTheGrace_andInsideThePeriod() throws Exception {
    MinerNode a = miner("a", 100_000);
    MinerNode b = miner("b", 300_000);
    TestWindows windows = windows(Long.MAX_VALUE, (n, t, room, ended) -> TestWindows.Sent.NO_ROOM);
    List<TestWindows.Plan> plans = onContext(() -> windows.openPeriod(0, 0).result());
    runTo(GRACE);

    assertThat(plans).hasSize(1);
    TestWindows.Plan plan = plans.get(0);
    assertThat(plan.start()).isGreaterThanOrEqualTo(GRACE);
    assertThat(plan.end()).isLessThanOrEqualTo(PERIOD);
    assertThat(plan.end() - plan.start()).isEqualTo((long) (plan.fraction() * PERIOD));
    for (MinerNode node : List.of(a, b)) {
      TaskCapacity cap = node.capacity(TASK, 0);
      assertThat(cap.window().start()).isEqualTo(plan.start());
      assertThat(cap.window().end()).isEqualTo(plan.end());
    }
    assertThat(a.capacity(TASK, 0).window().capacity()).isEqualTo(100_000 * plan.fraction());
    assertThat(b.capacity(TASK, 0).window().capacity()).isEqualTo(300_000 * plan.fraction());
  }

  @Test
  void overBudget_theLargestWindowsAreCutToACommonCap_andSmallOnesKeepTheirWhole()
      throws Exception {
    // whatever f is drawn, a's c * f (at most 800) fits under the cap and b's (at least 12 000)
    // does not: b is asked what the budget leaves, a its whole window
    MinerNode a = miner("a", 1_000);
    MinerNode b = miner("b", 300_000);
    TestWindows windows = windows(10_000, (n, t, room, ended) -> TestWindows.Sent.NO_ROOM);
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    runTo(GRACE);
    assertThat(a.capacity(TASK, 0).window().capacity()).isEqualTo(1_000 * plan.fraction());
    assertThat(b.capacity(TASK, 0).window().capacity())
        .isCloseTo(10_000 - 1_000 * plan.fraction(), within(1e-9));
  }

  @Test
  void theWaterLevel_spendsTheBudgetExactly_cuttingOnlyWhatPassesIt() {
    assertThat(TestWindows.waterLevel(new double[] {1, 2, 3}, 6)).isNull();
    assertThat(TestWindows.waterLevel(new double[] {1, 2, 30}, 13)).isEqualTo(10.0);
    assertThat(TestWindows.waterLevel(new double[] {10, 20, 30}, 30)).isEqualTo(10.0);
    assertThat(TestWindows.waterLevel(new double[] {5, 5}, 4)).isEqualTo(2.0);
  }

  @Test
  void aServedWindow_isAskedItsCapacity_andThePlanIsRecordedOnlyAfterIt() throws Exception {
    miner("a", 64_000);
    AtomicInteger sent = new AtomicInteger();
    TestWindows windows = windows(Long.MAX_VALUE, serving(sent));
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    for (long t = GRACE; t < plan.end(); t += 1000) {
      runTo(t);
      assertThat(recorded).noneMatch(e -> e instanceof TestPlanned);
    }
    runTo(plan.end());

    long expected = (long) Math.ceil(64_000 * plan.fraction() / UPR);
    assertThat(sent.get()).isEqualTo((int) expected);
    assertThat(recorded).noneMatch(e -> e instanceof TestShortfall);
    assertThat(recorded).filteredOn(e -> e instanceof TestPlanned).singleElement()
        .satisfies(e -> {
          TestPlanned p = (TestPlanned) e;
          assertThat(p.at()).isGreaterThanOrEqualTo(plan.end());
          assertThat(p.windowStart()).isEqualTo(plan.start());
          assertThat(p.cap()).isNull();
        });
  }

  @Test
  void aWindowStartingAsTheGraceEnds_isPaced_notTakenForOneAlreadyUnderWay() throws Exception {
    miner("a", 64_000);
    AtomicInteger sent = new AtomicInteger();
    TestWindows windows = windows(Long.MAX_VALUE, serving(sent), EARLIEST);
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    assertThat(plan.start()).isEqualTo(GRACE);
    runThrough(GRACE, plan.end());
    assertThat(sent.get()).isEqualTo((int) Math.ceil(64_000 * plan.fraction() / UPR));
    assertThat(recorded).noneMatch(e -> e instanceof TestShortfall);
  }

  @Test
  void aFollowerThatLooksBeforeTheLeaderAssigned_stillLoadsAWindowStartingWithinASecond()
      throws Exception {
    PlanBook book = PlanBook.local();
    miner("a", 64_000);
    TestWindows leader = new TestWindows(directory, tasks, t -> Long.MAX_VALUE, timeline,
        (n, t, room, ended) -> TestWindows.Sent.NO_ROOM, recorded::add, TestFractions.defaults(),
        EARLIEST, PERIOD, GRACE, 5, new TestWindows.Sharing(book, () -> true, null));
    MinerDirectory followed = new MinerDirectory();
    MinerNode a = TestMiners.node("a");
    a.bind(TASK, 0, 64_000, 100);
    followed.put(a);
    TestWindows follower = new TestWindows(followed, tasks, t -> Long.MAX_VALUE, timeline,
        (n, t, room, ended) -> TestWindows.Sent.NOT_MADE, e -> { }, TestFractions.defaults(),
        new SplittableRandom(3), PERIOD, GRACE, 5,
        new TestWindows.Sharing(book, () -> false, null));
    TestWindows.Plan plan = onContext(() -> leader.openPeriod(0, 0).result()).get(0);
    runTo(GRACE - 10);
    onContext(() -> {
      follower.follow(0); // the plans are written, not yet assigned
      return null;
    });
    runThrough(GRACE, GRACE + 1_000);

    TestWindow window = a.capacity(TASK, 0).window();
    assertThat(window).as("the follower's window").isNotNull();
    assertThat(window.start()).isEqualTo(plan.start());
    assertThat(window.capacity()).isEqualTo(64_000 * plan.fraction());
  }

  @Test
  void aMinerTakingOneRequestAtATime_isAskedAsFastAsItAnswers_notOnePerStep() throws Exception {
    // concurrency 1, and every answer a quarter of its estimate (a chat that stops early): the
    // window needs eight requests per typical request's worth of c_W, four times its steps, so
    // only a catch-up as each one ends can ask it all
    TestWindows windows = windows(Long.MAX_VALUE, (node, task, room, ended) -> {
      TaskCapacity.Reservation r = TestMiners.reserve(node.capacity(TASK, 0), UPR,
          clock.millis());
      if (r == null) {
        return TestWindows.Sent.NO_ROOM;
      }
      timeline.at(clock.millis(), () -> {
        TestMiners.settle(r, UPR / 4, false);
        ended.run();
      });
      return TestWindows.Sent.SENT;
    });
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    MinerNode a = TestMiners.node("a");
    a.bind(TASK, 0, (long) (8 * UPR / plan.fraction()), 1);
    directory.put(a);
    runTo(GRACE);
    long tick = (plan.end() - plan.start()) / 100;
    for (long t = plan.start(); t < plan.end(); t += tick) {
      runTo(t);
    }
    runTo(plan.end());
    assertThat(a.capacity(TASK, 0).windowAsked()).isGreaterThanOrEqualTo(8 * UPR - UPR);
    assertThat(recorded).noneMatch(e -> e instanceof TestShortfall);
  }

  /** Moves the clock second by second from {@code from} to {@code to}, running what is due. */
  private void runThrough(long from, long to) throws Exception {
    for (long t = from; t < to; t += 1000) {
      runTo(t);
    }
    runTo(to);
  }

  @Test
  void whatTheMinerHadNoRoomForBeforeTheWindowEnded_isRecordedAsRateLimited() throws Exception {
    miner("a", 64_000);
    TestWindows windows = windows(Long.MAX_VALUE, (n, t, room, ended) -> TestWindows.Sent.NO_ROOM);
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    runThrough(GRACE, plan.end());
    assertThat(recorded).filteredOn(e -> e instanceof TestShortfall).singleElement()
        .satisfies(e -> {
          TestShortfall s = (TestShortfall) e;
          assertThat(s.outcome()).isEqualTo(Outcome.RATE_LIMITED);
          // all of c_W but the one request a miner at its declared rate may be behind by
          assertThat(s.units()).isEqualTo((long) Math.ceil(64_000 * plan.fraction()) - UPR);
        });
  }

  @Test
  void whatTheValidatorItselfDidNotSend_countsAgainstNoMiner() throws Exception {
    miner("a", 64_000);
    TestWindows windows = windows(Long.MAX_VALUE, (n, t, room, ended) -> TestWindows.Sent.NOT_MADE);
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    runThrough(GRACE, plan.end());
    assertThat(recorded).noneMatch(e -> e instanceof TestShortfall);
    assertThat(recorded).anyMatch(e -> e instanceof TestPlanned);
  }

  @Test
  void aBudgetTooSmallForOneRequestEach_testsEveryMinerOrNone_inItsShareOfPeriods()
      throws Exception {
    // 10 miners, a budget of 3 typical requests: all of them in about 30% of periods, one
    // typical request each, and no one otherwise; never some of them
    List<MinerNode> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(TestMiners.node("m" + i));
      directory.put(all.get(i));
    }
    TestWindows windows = windows(3 * UPR, (n, t, room, ended) -> TestWindows.Sent.NOT_MADE);
    int testedPeriods = 0;
    for (long period = 0; period < 200; period++) {
      for (MinerNode node : all) {
        node.bind(TASK, period, 64_000, 100);
      }
      long p = period;
      TestWindows.Plan plan = new TestWindows.Plan(p, TASK, 0.04, p * PERIOD + GRACE,
          p * PERIOD + GRACE + 144_000);
      onContext(() -> {
        windows.assign(List.of(plan));
        return null;
      });
      long windowed = all.stream().filter(n -> n.capacity(TASK, p).window() != null).count();
      assertThat(windowed).as("period %d", p).isIn(0L, 10L);
      if (windowed == 10) {
        testedPeriods++;
        assertThat(all.get(0).capacity(TASK, p).window().capacity()).isEqualTo((double) UPR);
      }
    }
    assertThat(testedPeriods).isBetween(40, 80);
    runTo(Long.MAX_VALUE / 2);
    assertThat(recorded).filteredOn(e -> e instanceof TestPlanned).hasSize(200)
        .allSatisfy(e -> assertThat(((TestPlanned) e).cap()).isEqualTo((double) UPR))
        .allSatisfy(e -> assertThat(((TestPlanned) e).tested()).satisfiesAnyOf(
            tested -> assertThat(tested).isNull(), tested -> assertThat(tested).isEmpty()));
  }

  @Test
  void aSmallMiner_getsAtLeastOneRequest() throws Exception {
    miner("tiny", 100); // c_W is a few units: less than one request
    AtomicInteger sent = new AtomicInteger();
    TestWindows windows = windows(Long.MAX_VALUE, serving(sent));
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    for (long t = GRACE; t <= plan.end(); t += 1000) {
      runTo(t);
    }
    assertThat(sent.get()).isEqualTo(1);
  }

  @Test
  void organicWorkInTheWindow_countsFirst() throws Exception {
    MinerNode a = miner("a", 64_000);
    AtomicInteger sent = new AtomicInteger();
    TestWindows windows = windows(Long.MAX_VALUE, serving(sent));
    TestWindows.Plan plan = onContext(() -> windows.openPeriod(0, 0).result()).get(0);
    runTo(GRACE);
    // organic traffic fills the whole window just as it opens
    TaskCapacity cap = a.capacity(TASK, 0);
    long units = (long) (64_000 * plan.fraction());
    TestMiners.settle(TestMiners.reserve(cap, units, plan.start()), units, false);
    for (long t = plan.start(); t <= plan.end(); t += 1000) {
      runTo(t);
    }
    assertThat(sent.get()).isZero();
    assertThat(recorded).noneMatch(e -> e instanceof TestShortfall);
  }

  @Test
  void planningAPeriod_addsAFewTimelineEntriesPerMinerAndTask_notOnePerRequest()
      throws Exception {
    for (int i = 0; i < 256; i++) {
      miner("m" + i, 1_000_000_000L); // a huge declaration: millions of requests in a window
    }
    TestWindows windows = windows(Long.MAX_VALUE, (n, t, room, ended) -> TestWindows.Sent.NO_ROOM);
    onContext(() -> windows.openPeriod(0, 0));
    runTo(GRACE);
    int entries = onContext(() -> timeline.size());
    assertThat(entries).isLessThanOrEqualTo(256 + 1 + 1);
    assertThat(new ArrayList<>(recorded)).isEmpty();
  }
}
