package io.assay.miner.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.assay.miner.MinerConfig;
import io.assay.miner.MinerFactory;
import io.assay.task.TaskKinds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each behaviour declares, serves and takes at once; the machines of a fleet. */
class SimulatedFleetTest {

  private static final Duration PERIOD = Duration.ofMinutes(10);
  private static final ServiceModel MODEL = ServiceModel.reference();
  private static final long LLM_UNITS = 128;
  private static final long MAX = Long.MAX_VALUE / 2;
  /** What an honest machine serves in a period, and what it declares of that. */
  private static final long MACHINE = MODEL.capacityPerPeriod("llm", LLM_UNITS, PERIOD);
  private static final long HONEST = (long) (SimulatedFleet.DECLARED_SHARE * MACHINE);
  private static final List<MinerSpec> SPECS = MinerSpecs.parse("honest:2,overclaim:1,slow:1,"
      + "flaky:1,random-output:1,other-model:1,bad-proof:1,go-dark:1,late:1,detector:1,"
      + "staller:1,early-stop:1,sybil:3,timeshare:3");

  private final SimulatedFleet fleet = new SimulatedFleet(SPECS, MODEL, PERIOD);

  @AfterEach
  void close() {
    fleet.close();
  }

  @Test
  void anHonestMiner_declaresAndServesItsMachinesThroughput_withItsSlots() {
    assertThat(MACHINE).isEqualTo((long) Math.floor(4 * 600 / 1.33 * 128));
    assertThat(HONEST).isEqualTo((long) (0.8 * MACHINE));
    assertThat(offer("honest-1")).isEqualTo(new SimulatedFleet.Offer(MACHINE, HONEST, 4));
    assertThat(fleet.model(spec("honest-1"))).isEqualTo(MODEL);
  }

  @Test
  void behavioursThatCheatInTheirAnswersOrTiming_declareTheHonestNumbers() {
    for (String name : List.of("flaky-1", "random-output-1", "other-model-1", "bad-proof-1",
        "late-1", "detector-1", "staller-1", "early-stop-1")) {
      assertThat(offer(name)).as(name).isEqualTo(new SimulatedFleet.Offer(MACHINE, HONEST, 4));
      assertThat(fleet.model(spec(name))).as(name).isEqualTo(MODEL);
    }
  }

  @Test
  void anOverclaimingMiner_declaresFiveTimesTheVolumeAndConcurrencyOfItsMachine() {
    assertThat(offer("overclaim-1"))
        .isEqualTo(new SimulatedFleet.Offer(MACHINE, 5 * HONEST, 20));
    assertThat(fleet.machine("overclaim-1").slots()).isEqualTo(4);
  }

  @Test
  void aSlowMiner_declaresTheHonestCapacity_onAMachineTenTimesSlower() {
    SimulatedFleet.Offer slow = offer("slow-1");
    assertThat(slow.declared()).isEqualTo(HONEST);
    assertThat(slow.concurrency()).isEqualTo(4);
    assertThat((double) slow.capacity()).isCloseTo(MACHINE / 10.0, within(1.0));
    assertThat(fleet.model(spec("slow-1")).seconds("llm", LLM_UNITS))
        .isCloseTo(10 * MODEL.seconds("llm", LLM_UNITS), within(1e-9));
  }

  @Test
  void eachSybilIdentity_isAThirdOfTheMachine_threeTimesSlower() {
    for (String name : List.of("sybil-1", "sybil-2", "sybil-3")) {
      SimulatedFleet.Offer sybil = offer(name);
      assertThat(sybil.declared()).isEqualTo((long) (0.8 * sybil.capacity()));
      assertThat((double) sybil.capacity()).isCloseTo(MACHINE / 3.0, within(1.0));
      assertThat(sybil.concurrency()).isEqualTo(4);
      assertThat(fleet.model(spec(name)).seconds("zk-proof", 3))
          .isCloseTo(3 * MODEL.seconds("zk-proof", 3), within(1e-9));
    }
    // 3 identities x 4 slots, each 3 times slower: the honest machine's throughput in all
    assertThat(fleet.machine("sybil").slots()).isEqualTo(12);
  }

  @Test
  void timeshareIdentities_eachDeclareTheWholeMachine_andShareIt() {
    for (String name : List.of("timeshare-1", "timeshare-2", "timeshare-3")) {
      assertThat(offer(name)).isEqualTo(new SimulatedFleet.Offer(MACHINE, HONEST, 4));
      assertThat(spec(name).machine()).isEqualTo("timeshare");
    }
    assertThat(fleet.machine("timeshare").slots()).isEqualTo(4);
  }

  @Test
  void aGoDarkMiner_declaresAllItMay_andServesNothing() {
    assertThat(offer("go-dark-1"))
        .isEqualTo(new SimulatedFleet.Offer(0, DeclarationPolicies.GO_DARK_VOLUME, 4));
    assertThat(fleet.offer(spec("go-dark-1"), "llm", LLM_UNITS, 20_000_000))
        .isEqualTo(new SimulatedFleet.Offer(0, 20_000_000, 4));
  }

  @Test
  void volumes_areClampedToTheTasksMaximum() {
    assertThat(fleet.offer(spec("honest-1"), "llm", LLM_UNITS, 1_000))
        .isEqualTo(new SimulatedFleet.Offer(1_000, 1_000, 4));
    assertThat(fleet.offer(spec("overclaim-1"), "llm", LLM_UNITS, HONEST * 2))
        .isEqualTo(new SimulatedFleet.Offer(MACHINE, HONEST * 2, 20));
  }

  @Test
  void aTaskConfig_carriesTheDeclaredNumbers() {
    assertThat(fleet.taskConfig(spec("overclaim-1"), "llm", "reference-lm", LLM_UNITS, MAX))
        .isEqualTo(new MinerConfig.TaskConfig("llm", "reference-lm", 5 * HONEST, 20, null));
  }

  @Test
  void everyMachineName_hasOneMachine() {
    assertThat(SPECS.stream().map(MinerSpec::machine).distinct()
        .map(fleet::machine).distinct()).hasSize(15);
    assertThatThrownBy(() -> fleet.machine("nowhere"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nowhere");
  }

  @Test
  void specsThatClash_areRefused() {
    List<MinerSpec> twice = List.of(new MinerSpec(Behaviour.HONEST, "a"),
        new MinerSpec(Behaviour.SLOW, "a"));
    assertThatThrownBy(() -> new SimulatedFleet(twice, MODEL, PERIOD))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("named a");
    List<MinerSpec> disagree = List.of(new MinerSpec(Behaviour.SYBIL, "s-1", "box", 2),
        new MinerSpec(Behaviour.SYBIL, "s-2", "box", 3));
    assertThatThrownBy(() -> new SimulatedFleet(disagree, MODEL, PERIOD))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("box");
  }

  @Test
  void create_refusesAStrangerOrAnotherPeriod() {
    MinerFactory factory = new MinerFactory(TaskKinds.of(), null);
    MinerSpec stranger = new MinerSpec(Behaviour.HONEST, "stranger");
    assertThatThrownBy(() -> fleet.create(factory, config("stranger", PERIOD), stranger))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one of");
    assertThatThrownBy(() -> fleet.create(factory, config("honest-1", Duration.ofMinutes(1)),
        spec("honest-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
  }

  private SimulatedFleet.Offer offer(String name) {
    return fleet.offer(spec(name), "llm", LLM_UNITS, MAX);
  }

  private static MinerSpec spec(String name) {
    return SPECS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  private static MinerConfig config(String name, Duration period) {
    return new MinerConfig(name, Path.of("unused.key"), "127.0.0.1", 0, period, List.of(), true,
        List.of());
  }
}
