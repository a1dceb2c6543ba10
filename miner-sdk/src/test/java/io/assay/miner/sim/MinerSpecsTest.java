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
  void ordinaryMiners_runOnAMachineOfTheirOwn() {
    MinerSpec spec = MinerSpecs.parse("honest:2").get(1);
    assertThat(spec.machine()).isEqualTo("honest-2");
    assertThat(spec.identities()).isEqualTo(1);
    assertThat(new MinerSpec(Behaviour.SLOW, "s"))
        .isEqualTo(new MinerSpec(Behaviour.SLOW, "s", "s", 1));
  }

  @Test
  void sybilAndTimeshareCounts_areIdentitiesOfOneMachine() {
    assertThat(MinerSpecs.parse("honest:1,sybil:3,timeshare:2")).containsExactly(
        new MinerSpec(Behaviour.HONEST, "honest-1", "honest-1", 1),
        new MinerSpec(Behaviour.SYBIL, "sybil-1", "sybil", 3),
        new MinerSpec(Behaviour.SYBIL, "sybil-2", "sybil", 3),
        new MinerSpec(Behaviour.SYBIL, "sybil-3", "sybil", 3),
        new MinerSpec(Behaviour.TIMESHARE, "timeshare-1", "timeshare", 2),
        new MinerSpec(Behaviour.TIMESHARE, "timeshare-2", "timeshare", 2));
  }

  @Test
  void theSimulationSpec_givesOneMinerPerIdentityAndSixteenMachines() {
    List<MinerSpec> miners = MinerSpecs.parse("honest:3,overclaim:1,slow:1,flaky:1,"
        + "random-output:1,other-model:1,bad-proof:1,go-dark:1,late:1,detector:1,staller:1,"
        + "early-stop:1,sybil:3,timeshare:3");
    assertThat(miners).hasSize(20);
    assertThat(miners).extracting(MinerSpec::name).doesNotHaveDuplicates()
        .contains("go-dark-1", "late-1", "detector-1", "staller-1", "early-stop-1", "sybil-3",
            "timeshare-3");
    assertThat(miners.stream().map(MinerSpec::machine).distinct()).hasSize(16);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sybil:0", "sybil:101", "timeshare:0", "timeshare:101"})
  void identitiesOutOfRange_areRefusedNamingTheEntry(String spec) {
    assertThatThrownBy(() -> MinerSpecs.parse("honest:1," + spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + spec + "'")
        .hasMessageContaining("expected 1 to 100");
  }

  @Test
  void aHundredIdentities_areAccepted() {
    List<MinerSpec> miners = MinerSpecs.parse("timeshare:100");
    assertThat(miners).hasSize(100).allSatisfy(m -> {
      assertThat(m.machine()).isEqualTo("timeshare");
      assertThat(m.identities()).isEqualTo(100);
    });
  }

  @Test
  void aSpecWithoutAMachineOrWithImpossibleIdentities_isRefused() {
    assertThatThrownBy(() -> new MinerSpec(Behaviour.SYBIL, "sybil-1", " ", 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sybil-1");
    assertThatThrownBy(() -> new MinerSpec(Behaviour.SYBIL, "sybil-1", "sybil", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 100");
    assertThatThrownBy(() -> new MinerSpec(Behaviour.SYBIL, "sybil-1", "sybil", 101))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 100");
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
    assertThatThrownBy(() -> MinerSpecs.parse("sybil:2,sybil:3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lists sybil twice");
  }
}
