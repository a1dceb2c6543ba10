package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.assay.gateway.scoring.WeightReport.TaskReport;
import org.junit.jupiter.api.Test;

/**
 * Where SCORING.md as written breaks its own section 8, pinned down by hand-worked examples.
 * The calculator implements the spec exactly; these tests document what that means, so that a
 * change of the spec shows up here. Each is a candidate for a spec fix, not a calculator bug.
 */
class ScoringGapsTest {

  @Test
  void gap_aPeriodOfOnly429s_weighsNothing_soOverclaimingNowKeepsAnEarlierScore() {
    // Section 5 weighs periods by consumed. bob serves honestly for 9 periods, then declares
    // 10x and answers 429 to everything: PS = 0 but consumed = 0, so NPS stays 1 (m = 1,
    // 10 scored periods), and EV = CQS * 1 * 1000 uses the inflated current declaration.
    // Equal speeds, alice wins the tie: CQS 1.25 and 0.75.
    // EV: alice 1.25 * 100 = 125, bob 0.75 * 1000 = 750 -> s = 1/7, 6/7 -> t(bob) = 1296/1297
    LogBuilder log = LogBuilder.oneTask();
    for (int p = 0; p < 9; p++) {
      log.declare(p, "alice", 100).served(p, "alice", 10, 10, 1)
          .declare(p, "bob", 100).served(p, "bob", 10, 10, 1);
    }
    log.declare(9, "alice", 100).served(9, "alice", 10, 10, 1)
        .declare(9, "bob", 1000).rateLimited(9, "bob", 10);
    WeightReport report = log.computeAtEndOf(9);

    TaskReport bob = report.miners().get("bob").tasks().get(LLM);
    assertThat(bob.periodScore()).isZero();
    assertThat(bob.consumed()).isZero();
    assertThat(bob.nps()).isEqualTo(1.0);
    assertThat(report.weights().get("bob")).isCloseTo(1296.0 / 1297, within(1e-12));
  }

  @Test
  void gap_goodCountsRequestsNotUnits_soAnOverclaimerServingSmallRequestsOutearnsAnHonestMiner() {
    // Both really serve 30 units in the period, at the same speed (4 units/s); alice wins the
    // speed tie (CQS 1.25), carol loses it (0.75). One period each: m = 0.25.
    // alice: declares 30, serves 3 x 10: PS = 1, EV = 1.25 * 0.25 * 30 = 9.375.
    // carol: declares 150 (5x), is asked 20 x 1 + 13 x 10 units, serves the 20 small ones and
    // one big one (30 units) and 429s 12: good = 21/33, u = 120/150 = 0.8,
    // PS = 21/33 * (1 - 12/33 * 0.8) = 0.4512, EV = 0.75 * 0.25 * 0.4512 * 150 = 12.69.
    // t(carol) = 1 / (1 + (9.375 / 12.69)^4) = 0.7706
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 30).served(0, "alice", 3, 10, 2.5)
        .declare(0, "carol", 150).served(0, "carol", 20, 1, 0.25).served(0, "carol", 1, 10, 2.5)
        .rateLimited(0, "carol", 12)
        .computeAtEndOf(0);

    double evCarol = 0.75 * (0.25 * (21.0 / 33 * (1 - 12.0 / 33 * 0.8))) * 150;
    assertThat(report.miners().get("carol").tasks().get(LLM).cqs()).isEqualTo(0.75);
    assertThat(report.weights().get("carol"))
        .isCloseTo(1 / (1 + StrictMath.pow(9.375 / evCarol, 4)), within(1e-12))
        .isGreaterThan(0.77);
  }

  @Test
  void gap_aLopsidedSplit_raisesTheTotal_becauseTheExtraIdentityShiftsSpeedRanks() {
    // Alone: alice V 20 (+0.25), bob V 10 (-0.25): t(bob) = 0.75^4 / (1.25^4 + 0.75^4) = 81/706.
    // Split 90/10 on the same hardware: bob1 and bob2 tie at V 10, ranks 1 and 2 of 3:
    // CQS 1.0 and 0.75. EV (m = 0.25): alice 31.25, bob1 22.5, bob2 1.875.
    // t(bob1) + t(bob2) = (22.5^4 + 1.875^4) / (31.25^4 + 22.5^4 + 1.875^4) = 0.2118
    WeightReport whole = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 10, 10, 0.5)
        .declare(0, "bob", 100).served(0, "bob", 10, 10, 1)
        .computeAtEndOf(0);
    WeightReport split = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 10, 10, 0.5)
        .declare(0, "bob1", 90).served(0, "bob1", 9, 10, 1)
        .declare(0, "bob2", 10).served(0, "bob2", 1, 10, 1)
        .computeAtEndOf(0);

    double bob = whole.weights().get("bob");
    double bobs = split.weights().get("bob1") + split.weights().get("bob2");
    double b1 = StrictMath.pow(22.5, 4);
    double b2 = StrictMath.pow(1.875, 4);
    assertThat(bob).isCloseTo(81.0 / 706, within(1e-12));
    assertThat(bobs).isCloseTo((b1 + b2) / (StrictMath.pow(31.25, 4) + b1 + b2), within(1e-12))
        .isGreaterThan(1.8 * bob);
  }
}
