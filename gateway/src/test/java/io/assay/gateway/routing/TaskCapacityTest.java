package io.assay.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * SCORING.md sections 1 and 2 as routing applies them: a miner is never asked for more than it
 * declared, in volume or at once, and its test window gets what it is owed.
 */
class TaskCapacityTest {

  @Test
  void neverMoreThanTheDeclaredVolume_norMoreRequestsAtOnce() {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      long declared = 1 + random.nextInt(500);
      int concurrency = 1 + random.nextInt(8);
      TaskCapacity cap = new TaskCapacity(0, declared, concurrency);
      List<TaskCapacity.Reservation> open = new ArrayList<>();
      long settledTotal = 0;
      for (int step = 0; step < 300; step++) {
        if (!open.isEmpty() && random.nextBoolean()) {
          TaskCapacity.Reservation r = open.remove(random.nextInt(open.size()));
          boolean failed = random.nextInt(4) == 0;
          long units = failed ? r.estimate() : random.nextLong(r.estimate() + 1);
          cap.settle(r, units, failed);
          settledTotal += units;
        } else {
          TaskCapacity.Reservation r = cap.tryReserve(1 + random.nextInt(40), step);
          if (r != null) {
            open.add(r);
          }
        }
        long reserved = open.stream().mapToLong(TaskCapacity.Reservation::estimate).sum();
        assertThat(open.size()).isLessThanOrEqualTo(concurrency);
        assertThat(settledTotal + reserved).isLessThanOrEqualTo(declared)
            .isEqualTo(cap.asked());
      }
    }
  }

  @Test
  void nothingDeclared_takesNothing() {
    assertThat(new TaskCapacity(0, 0, 0).tryReserve(1, 0)).isNull();
  }

  @Test
  void beforeItsWindow_routingLeavesWhatTheWindowIsOwed() {
    TaskCapacity cap = new TaskCapacity(0, 100, 10);
    cap.plan(new TestWindow(1000, 2000, 30, 5));
    assertThat(cap.tryReserve(70, 10)).isNotNull();
    assertThat(cap.tryReserve(1, 20)).isNull(); // the last 30 belong to the window
    assertThat(cap.remaining(20)).isZero();
    assertThat(cap.tryReserve(30, 1500)).isNotNull().extracting(r -> r.inWindow())
        .isEqualTo(true);
  }

  @Test
  void aWindowOfLessThanOneRequest_holdsOneRequestBeforeIt_soItsOneRequestFits() {
    // A prover declaring 4 units (one proof of 3, and a bit) with f = 0.04: c_W is 0.16, yet
    // the window asks one whole proof. Organic work before the window must leave it room.
    TaskCapacity cap = new TaskCapacity(0, 4, 1);
    TestWindow window = new TestWindow(1000, 2000, 0.16, 5, 3);
    cap.plan(window);
    assertThat(window.hold()).isEqualTo(3.0);
    assertThat(cap.tryReserve(3, 10)).isNull(); // 3 + 3 > 4: the proof belongs to the window
    assertThat(cap.remaining(10)).isOne();
    TaskCapacity.Reservation tested = cap.tryReserve(3, 1500);
    assertThat(tested).isNotNull().extracting(r -> r.inWindow()).isEqualTo(true);
    cap.settle(tested, 3, false);
    assertThat(cap.remaining(2500)).isOne(); // after the window, the hold is gone
  }

  @Test
  void inItsWindow_requestsStartOnlyWhileItsCapacityIsNotReached_butAtLeastOnce() {
    TaskCapacity cap = new TaskCapacity(0, 10_000, 10);
    cap.plan(new TestWindow(1000, 2000, 25, 5));
    assertThat(cap.tryReserve(10, 1100)).isNotNull();
    assertThat(cap.tryReserve(10, 1200)).isNotNull();
    assertThat(cap.tryReserve(10, 1300)).isNotNull(); // 20 < 25: the last, past it by 5
    assertThat(cap.tryReserve(1, 1400)).isNull();
    assertThat(cap.windowAsked()).isEqualTo(30);

    TaskCapacity small = new TaskCapacity(0, 10_000, 10);
    small.plan(new TestWindow(1000, 2000, 2, 5));
    assertThat(small.tryReserve(128, 1100)).isNotNull(); // the one request it is owed
    assertThat(small.tryReserve(128, 1200)).isNull();
  }

  @Test
  void afterItsWindow_routingFollowsDemandUpToTheDeclaration() {
    TaskCapacity cap = new TaskCapacity(0, 100, 10);
    cap.plan(new TestWindow(1000, 2000, 30, 5));
    assertThat(cap.tryReserve(100, 2000)).isNotNull();
  }

  @Test
  void aWindowStopsAfterFailuresInARow_andGivesUpTheRestOnce() {
    TaskCapacity cap = new TaskCapacity(0, 10_000, 10);
    cap.plan(new TestWindow(1000, 2000, 100, 3));
    long givenUp = -1;
    for (int i = 0; i < 3; i++) {
      TaskCapacity.Reservation r = cap.tryReserve(10, 1100 + i);
      givenUp = cap.settle(r, 10, true);
    }
    // 3 x 10 asked, 70 never asked: counted as failed once
    assertThat(givenUp).isEqualTo(70);
    assertThat(cap.windowStopped()).isTrue();
    assertThat(cap.tryReserve(10, 1200)).isNull();
    assertThat(cap.closeWindow()).isZero();
  }

  @Test
  void aSuccess_resetsTheRunOfFailures() {
    TaskCapacity cap = new TaskCapacity(0, 10_000, 10);
    cap.plan(new TestWindow(1000, 2000, 1000, 2));
    cap.settle(cap.tryReserve(10, 1100), 10, true);
    cap.settle(cap.tryReserve(10, 1101), 10, false);
    assertThat(cap.settle(cap.tryReserve(10, 1102), 10, true)).isEqualTo(-1);
    assertThat(cap.windowStopped()).isFalse();
  }

  @Test
  void closingAWindow_returnsWhatTheMinerHadNoRoomFor_andLateFailuresChangeNothing() {
    TaskCapacity cap = new TaskCapacity(0, 10_000, 10);
    cap.plan(new TestWindow(1000, 2000, 50, 1));
    TaskCapacity.Reservation inFlight = cap.tryReserve(20, 1500);
    cap.windowBlocked();
    assertThat(cap.closeWindow()).isEqualTo(30);
    assertThat(cap.settle(inFlight, 20, true)).isEqualTo(-1);
  }

  @Test
  void whatTheValidatorNeverTriedToAsk_isNotTheMinersShortfall() {
    TaskCapacity cap = new TaskCapacity(0, 10_000, 10);
    cap.plan(new TestWindow(1000, 2000, 50, 1));
    cap.settle(cap.tryReserve(20, 1500), 20, false);
    assertThat(cap.closeWindow()).isZero();
  }

  @Test
  void requestsStillRunningFromLastPeriod_countAgainstTheNewPeriodsConcurrency() {
    MinerNode node = TestMiners.node("m");
    TaskCapacity last = node.bind("t", 0, 100, 2);
    TaskCapacity.Reservation running = last.tryReserve(10, 1);
    assertThat(last.tryReserve(10, 2)).isNotNull();
    TaskCapacity now = node.bind("t", 1, 100, 2);
    assertThat(now.tryReserve(10, 3)).isNull();
    last.settle(running, 10, false);
    assertThat(now.tryReserve(10, 4)).isNotNull();
  }

  @Test
  void failuresBackOffThatTaskOnly_longerForARun() {
    TaskCapacity cap = new TaskCapacity(0, 100, 10);
    cap.failed(1000, 100);
    assertThat(cap.tryReserve(1, 1099)).isNull();
    assertThat(cap.tryReserve(1, 1100)).isNotNull();
    cap.failed(1100, 100);
    assertThat(cap.tryReserve(1, 1250)).isNull(); // second in a row: twice as long
    cap.succeeded();
    cap.failed(1300, 100);
    assertThat(cap.tryReserve(1, 1400)).isNotNull();
  }

  @Test
  void aPausedMiner_isNotAsked() {
    TaskCapacity cap = new TaskCapacity(0, 100, 10);
    cap.pauseUntil(500);
    assertThat(cap.tryReserve(1, 499)).isNull();
    assertThat(cap.tryReserve(1, 500)).isNotNull();
  }
}
