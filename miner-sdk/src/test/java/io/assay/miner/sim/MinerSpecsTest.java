package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MinerSpecsTest {

  @Test
  void counts_becomeNumberedMinersInSpecOrder() {
    assertThat(MinerSpecs.parse("honest:3,overclaim:1,slow:1")).containsExactly(
        new MinerSpec(Behaviour.HONEST, "honest-1"),
        new MinerSpec(Behaviour.HONEST, "honest-2"),
        new MinerSpec(Behaviour.HONEST, "honest-3"),
        new MinerSpec(Behaviour.OVERCLAIM, "overclaim-1"),
        new MinerSpec(Behaviour.SLOW, "slow-1"));
  }

  @Test
  void whiteSpace_isTolerated() {
    assertThat(MinerSpecs.parse(" random-output : 2 ,\tother-model:1 "))
        .extracting(MinerSpec::name)
        .containsExactly("random-output-1", "random-output-2", "other-model-1");
  }

  @Test
  void everyTaskDevnetSpec_parsesIncludingBadProof() {
    assertThat(MinerSpecs.parse("honest:2,random-output:1,other-model:1,bad-proof:1"))
        .containsExactly(
            new MinerSpec(Behaviour.HONEST, "honest-1"),
            new MinerSpec(Behaviour.HONEST, "honest-2"),
            new MinerSpec(Behaviour.RANDOM_OUTPUT, "random-output-1"),
            new MinerSpec(Behaviour.OTHER_MODEL, "other-model-1"),
            new MinerSpec(Behaviour.BAD_PROOF, "bad-proof-1"));
  }

  @Test
  void countsOneToAHundred_areAccepted() {
    List<MinerSpec> miners = MinerSpecs.parse("flaky:100,honest:1");
    assertThat(miners).hasSize(101);
    assertThat(miners.get(99).name()).isEqualTo("flaky-100");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "honest", "honest:", ":3", "honest:3,", "honest:1:2",
      "honest:3;slow:1"})
  void malformedSpec_isRefusedWithTheExpectedForm(String spec) {
    assertThatThrownBy(() -> MinerSpecs.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("honest:3");
  }

  @Test
  void nonNumericCount_isRefusedNamingTheEntry() {
    assertThatThrownBy(() -> MinerSpecs.parse("slow:1,honest:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'honest:x'")
        .hasMessageContaining("not a whole number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"honest:0", "honest:101", "honest:-1"})
  void countOutOfRange_isRefused(String spec) {
    assertThatThrownBy(() -> MinerSpecs.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 1 to 100");
  }

  @Test
  void unknownBehaviour_isRefusedListingTheValidOnes() {
    assertThatThrownBy(() -> MinerSpecs.parse("honest:1,nope:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope:1'")
        .hasMessageContaining("expected one of honest, overclaim, slow");
  }

  @Test
  void behaviourListedTwice_isRefused() {
    assertThatThrownBy(() -> MinerSpecs.parse("honest:1,slow:2,honest:2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists honest twice");
  }
}
