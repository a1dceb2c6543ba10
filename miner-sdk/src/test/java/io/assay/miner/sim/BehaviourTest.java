package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BehaviourTest {

  @Test
  void everyId_parsesBackToItsBehaviour() {
    for (Behaviour b : Behaviour.values()) {
      assertThat(Behaviour.parse(b.id())).isSameAs(b);
    }
    assertThat(Behaviour.values()).extracting(Behaviour::id).containsExactly("honest",
        "overclaim", "slow", "flaky", "random-output", "other-model", "bad-proof", "go-dark",
        "late", "detector", "staller", "early-stop", "lazy-edits", "sybil", "timeshare");
  }

  @Test
  void parse_ignoresCaseAndSurroundingSpace() {
    assertThat(Behaviour.parse("  Random-Output ")).isSameAs(Behaviour.RANDOM_OUTPUT);
  }

  @Test
  void unknownId_isRefusedListingTheValidIds() {
    assertThatThrownBy(() -> Behaviour.parse("random_output"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown behaviour 'random_output'; expected one of honest, overclaim, slow,"
            + " flaky, random-output, other-model, bad-proof, go-dark, late, detector, staller,"
            + " early-stop, lazy-edits, sybil, timeshare");
    assertThatThrownBy(() -> Behaviour.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlySybilAndTimeshare_countIdentitiesOfOneMachine() {
    for (Behaviour b : Behaviour.values()) {
      assertThat(b.identitiesShareOneMachine())
          .isEqualTo(b == Behaviour.SYBIL || b == Behaviour.TIMESHARE);
    }
  }

  @Test
  void onlyOverclaim_declaresMoreThanItServes() {
    for (Behaviour b : Behaviour.values()) {
      assertThat(b.declaredFactor()).isEqualTo(b == Behaviour.OVERCLAIM ? 5 : 1);
    }
  }
}
