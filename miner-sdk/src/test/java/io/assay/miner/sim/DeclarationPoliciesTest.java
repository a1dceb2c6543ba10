package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.assay.miner.CapacityDeclaration;
import io.assay.miner.DeclarationPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeclarationPoliciesTest {

  private static final Duration PERIOD = Duration.ofMinutes(30);
  private static final CapacityDeclaration HONEST = honest();

  @Test
  void goDark_declaresTheMostForEveryTaskAtTheFirstPoll_andNothingAfter() {
    DeclarationPolicy dark = DeclarationPolicies.of(Behaviour.GO_DARK);

    CapacityDeclaration first = dark.declare(HONEST, poll(7, 0, Duration.ofSeconds(1)));

    assertThat(first.tasks()).hasSize(2).allSatisfy((id, t) -> {
      assertThat(t.volume()).isEqualTo(Long.MAX_VALUE / 4);
      assertThat(t.maxConcurrency()).isEqualTo(HONEST.tasks().get(id).maxConcurrency());
      assertThat(t.kind()).isEqualTo(HONEST.tasks().get(id).kind());
    });
    assertThat(first.miner()).isEqualTo(HONEST.miner());
    assertThat(dark.declare(HONEST, poll(7, 1, Duration.ofSeconds(2)))).isNull();
    assertThat(dark.declare(HONEST, poll(7, 40, Duration.ofMinutes(29)))).isNull();
    assertThat(dark.declare(HONEST, poll(8, 0, Duration.ofSeconds(1))).tasks().get("llm/m")
        .volume()).isEqualTo(DeclarationPolicies.GO_DARK_VOLUME);
  }

  @Test
  void late_answersNothingInTheFirstTenthOfEachPeriod_thenHonestly() {
    DeclarationPolicy late = DeclarationPolicies.of(Behaviour.LATE);

    assertThat(late.declare(HONEST, poll(3, 0, Duration.ZERO))).isNull();
    // past the gateway's grace window (a thirtieth: 60 s of 30 minutes), still late
    assertThat(late.declare(HONEST, poll(3, 5, Duration.ofSeconds(61)))).isNull();
    assertThat(late.declare(HONEST, poll(3, 9, Duration.ofMillis(179_999)))).isNull();
    assertThat(late.declare(HONEST, poll(3, 10, Duration.ofSeconds(180)))).isSameAs(HONEST);
    assertThat(late.declare(HONEST, poll(3, 11, Duration.ofMinutes(20)))).isSameAs(HONEST);
  }

  @Test
  void everyOtherBehaviour_declaresHonestlyAtEveryPoll() {
    for (Behaviour b : Behaviour.values()) {
      if (b == Behaviour.GO_DARK || b == Behaviour.LATE) {
        continue;
      }
      DeclarationPolicy policy = DeclarationPolicies.of(b);
      assertThat(policy.declare(HONEST, poll(1, 0, Duration.ZERO))).isSameAs(HONEST);
      assertThat(policy.declare(HONEST, poll(1, 3, Duration.ofMinutes(1)))).isSameAs(HONEST);
    }
  }

  @Test
  void aLateShare_mustBeWithinAPeriod() {
    assertThatThrownBy(() -> DeclarationPolicies.late(1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeclarationPolicies.late(-0.1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aPoll_saysHowFarIntoItsPeriodItIs() {
    assertThat(poll(0, 0, Duration.ofMinutes(3)).fractionIntoPeriod()).isEqualTo(0.1);
    assertThatThrownBy(() -> poll(0, -1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static DeclarationPolicy.Poll poll(long period, long index, Duration into) {
    return new DeclarationPolicy.Poll(period, index, into, PERIOD);
  }

  private static CapacityDeclaration honest() {
    Map<String, CapacityDeclaration.TaskCapacity> tasks = new LinkedHashMap<>();
    tasks.put("llm/m", new CapacityDeclaration.TaskCapacity("llm", "m", "output_tokens", 1_000,
        10, 4));
    tasks.put("image/i", new CapacityDeclaration.TaskCapacity("image", "i",
        "milli_step_megapixels", 50_000, 0, 2));
    return new CapacityDeclaration("hotkey", 3, PERIOD.toSeconds(), tasks);
  }
}
