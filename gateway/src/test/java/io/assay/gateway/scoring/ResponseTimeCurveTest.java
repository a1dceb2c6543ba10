package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SCORING.md section 7: the response-time speed curve of zk proofs. */
class ResponseTimeCurveTest {

  @Test
  void fastestScoresOne_slowestAboutFourPercent_fallingAllTheWay() {
    ResponseTimeCurve curve = ResponseTimeCurve.of(new double[] {2, 3, 4, 5, 6}, 60);
    assertThat(curve.min()).isEqualTo(2);
    assertThat(curve.max()).isEqualTo(6); // one slowest answer is the top 5%
    assertThat(curve.score(2)).isCloseTo(1, within(1e-6));
    // x = 0.99 at and past the slowest: 1 - f(0.99)
    assertThat(curve.score(6)).isCloseTo(0.0416, within(1e-3));
    assertThat(curve.score(100)).isEqualTo(curve.score(6));
    double previous = 2;
    for (double t = 2.1; t <= 6; t += 0.1) {
      assertThat(curve.score(t)).isLessThan(curve.score(previous));
      previous = t;
    }
    assertThat(curve.score(4)).isCloseTo(1 - 0.41735537 - 10.0 / 121, within(1e-9));
  }

  @Test
  void endsAreClampedToTheTimeout_andAtLeastOneSecondApart() {
    assertThat(ResponseTimeCurve.of(new double[] {1.0, 1.2, 1.4}, 60))
        .isEqualTo(new ResponseTimeCurve(1.0, 2.0));
    assertThat(ResponseTimeCurve.of(new double[] {5, 80, 90}, 30))
        .isEqualTo(new ResponseTimeCurve(5, 30));
  }

  @Test
  void maxIsTheMedianOfTheSlowestFivePercent() {
    double[] times = new double[40]; // 5% of 40 = 2 slowest: 39 and 40 -> 39.5
    for (int i = 0; i < times.length; i++) {
      times[i] = i + 1;
    }
    assertThat(ResponseTimeCurve.of(times, 100).max()).isEqualTo(39.5);
  }

  @Test
  void aResponseTimeTask_ranksByTimeNotByWorkPerSecond() {
    // alice: 1 unit in 2 s; bob: 10 units in 3 s. By throughput bob is faster (3.3 vs 0.5
    // units/s); by response time alice is.
    WeightReport byThroughput = run(ScoringParams.defaults());
    WeightReport byTime = run(ScoringParams.defaults().withTasks(
        Map.of(LLM, new ScoringParams.TaskParams(0, Duration.ofSeconds(30)))));

    assertThat(cqs(byThroughput, "bob")).isGreaterThan(cqs(byThroughput, "alice"));
    assertThat(cqs(byTime, "alice")).isGreaterThan(cqs(byTime, "bob"));
  }

  private static WeightReport run(ScoringParams params) {
    LogBuilder log = LogBuilder.withParams(params, Map.of(LLM, 1.0))
        .declare(0, "alice", 100).declare(0, "bob", 100);
    for (int i = 0; i < 5; i++) {
      log.served(0, "alice", 1, 1, 2.0).checked("alice", 1).served(0, "bob", 1, 10, 3.0)
          .checked("bob", 1);
    }
    return log.computeAtEndOf(0);
  }

  private static double cqs(WeightReport report, String miner) {
    return report.miners().get(miner).tasks().get(LLM).cqs();
  }
}
