package io.assay.gateway.scoring;

import static io.assay.gateway.scoring.LogBuilder.LLM;
import static org.assertj.core.api.Assertions.assertThat;

import io.assay.gateway.scoring.WeightReport.TaskReport;
import org.junit.jupiter.api.Test;

/**
 * The counterexamples that broke SCORING.md version 1's own section 8, worked again under
 * version 2: each now comes out the right way round. Kept so that a change of the spec that
 * reopens one shows up here.
 */
class ScoringGapsTest {

  @Test
  void gap_aPeriodOfOnly429s_noLongerKeepsAnEarlierScoreForAnInflatedDeclaration() {
    // bob serves honestly for 9 periods, then declares 10x and answers 429 to everything.
    // Version 1: that period weighed nothing (no consumed work), so bob kept NPS = 1 times the
    // inflated declaration and took 1296/1297 of the weight. Now the refused period scores 0
    // times its declaration, and bob's volume falls below alice's.
    LogBuilder log = LogBuilder.oneTask();
    for (int p = 0; p < 9; p++) {
      log.declare(p, "alice", 100).served(p, "alice", 10, 10, 1).checked("alice", 1)
          .declare(p, "bob", 100).served(p, "bob", 10, 10, 1).checked("bob", 1);
    }
    log.declare(9, "alice", 100).served(9, "alice", 10, 10, 1).checked("alice", 1)
        .declare(9, "bob", 1000).rateLimited(9, "bob", 10, 100);
    WeightReport report = log.computeAtEndOf(9);

    TaskReport bob = report.miners().get("bob").tasks().get(LLM);
    assertThat(bob.periodScore()).isZero();
    assertThat(report.weights().get("bob")).isLessThan(report.weights().get("alice"));
  }

  @Test
  void gap_anOverclaimerServingSmallRequests_noLongerOutearnsAnHonestMiner() {
    // Both really serve 30 units, at the same speed. carol declares 150 and is asked for it:
    // 20 requests of 1 and 13 of 10; she serves the 20 small and one large, refuses 12.
    // Version 1 counted requests (good = 21/33) and carol took 0.77 of the weight. In units
    // good = 30/150 and u = 0.8: PS = 0.2 * (1 - 0.8 * 0.8) = 0.072, VV 0.072 * 150 against
    // alice's 30.
    WeightReport report = LogBuilder.oneTask()
        .declare(0, "alice", 30).served(0, "alice", 3, 10, 2.5).checked("alice", 1)
        .declare(0, "carol", 150).served(0, "carol", 20, 1, 0.25).checked("carol", 1)
        .served(0, "carol", 1, 10, 2.5).rateLimited(0, "carol", 12, 10)
        .computeAtEndOf(0);

    TaskReport carol = report.miners().get("carol").tasks().get(LLM);
    assertThat(carol.periodScore()).isEqualTo(0.2 * (1 - 0.8 * 0.8));
    assertThat(report.weights().get("carol")).isLessThan(report.weights().get("alice"));
  }

  @Test
  void gap_aLopsidedSplit_noLongerRaisesTheTotal() {
    // Version 1 ranked identities by speed, so splitting bob 90/10 shifted ranks and nearly
    // doubled his weight (0.115 to 0.212). Now every answer keeps its bonus wherever it is
    // filed, and k = 1.5 makes the split pieces worth less than the whole.
    WeightReport whole = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 10, 10, 0.5).checked("alice", 1)
        .declare(0, "bob", 100).served(0, "bob", 10, 10, 1).checked("bob", 1)
        .computeAtEndOf(0);
    WeightReport split = LogBuilder.oneTask()
        .declare(0, "alice", 100).served(0, "alice", 10, 10, 0.5).checked("alice", 1)
        .declare(0, "bob1", 90).served(0, "bob1", 9, 10, 1).checked("bob1", 1)
        .declare(0, "bob2", 10).served(0, "bob2", 1, 10, 1).checked("bob2", 1)
        .computeAtEndOf(0);

    double bob = whole.weights().get("bob");
    double bobs = split.weights().get("bob1") + split.weights().get("bob2");
    assertThat(bobs).isLessThan(bob);
  }
}
