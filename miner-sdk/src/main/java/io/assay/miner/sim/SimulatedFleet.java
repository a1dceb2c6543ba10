package io.assay.miner.sim;

import io.assay.miner.DeclarationPolicy;
import io.assay.miner.Miner;
import io.assay.miner.MinerConfig;
import io.assay.miner.MinerFactory;
import io.assay.miner.TaskOffer;
import io.assay.task.Backend;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulated miners of a market simulation and the machines they run on, each machine as fast
 * as a {@link ServiceModel} says rather than as fast as the shared host happens to be.
 *
 * <p>What each behaviour declares, serves and takes at once is {@link #offer}'s: per task, an
 * honest machine serves {@link ServiceModel#capacityPerPeriod} work units in a period, {@link
 * ServiceModel#slots()} requests at once, and
 *
 * <ul>
 *   <li>an honest miner (and a flaky, random-output, other-model, bad-proof, detector, staller,
 *       early-stop or late one, which cheat in their answers or their timing, not in their
 *       numbers) declares {@value #DECLARED_SHARE} of that volume, keeping headroom as a real
 *       operator does (a test window asks exactly the declared rate, so a miner declaring its
 *       last unit would turn away what a moment's jitter delays), and its slots;
 *   <li>an {@link Behaviour#OVERCLAIM overclaiming} miner declares {@value
 *       Behaviour#OVERCLAIM_FACTOR} times an honest miner's volume and concurrency, and its machine sheds
 *       what does not fit with 429;
 *   <li>a {@link Behaviour#SLOW slow} miner declares the honest numbers on a machine {@value
 *       SimulatedBackends#SLOWDOWN} times slower;
 *   <li>each of the N identities of a {@link Behaviour#SYBIL sybil} machine serves 1/N of
 *       it, and declares the honest share of that: its own slots, every service time N times longer (the machine has N times the
 *       slots, each N times slower: the honest machine's throughput in all);
 *   <li>each of the N identities of a {@link Behaviour#TIMESHARE timeshare} machine declares the
 *       whole machine, and they share its slots;
 *   <li>a {@link Behaviour#GO_DARK go-dark} miner declares as much as it may and serves nothing.
 * </ul>
 *
 * <p>Declared volumes are clamped to the task's {@code max_capacity}, as the gateway clamps them.
 *
 * <p>Building a miner: for each task, get its numbers with {@link #offer} (or its configuration
 * with {@link #taskConfig}), put them in the miner's configuration, then {@link #create} the
 * miner. The fleet owns the timer on which every miner's service times and keep-alives are waited
 * out, and one {@link Machine} per machine name; close the miners before the fleet. Thread-safe.
 */
public final class SimulatedFleet implements AutoCloseable {

  /**
   * What one simulated miner does for one task in each period.
   *
   * @param capacity the work units it really serves at most (its machine's share at full load;
   *     a timeshare identity's machine is shared with its siblings; 0 for go-dark)
   * @param declared the work units it declares, clamped to {@code max_capacity}
   * @param concurrency the requests it declares it takes at once, and its miner's limit
   */
  public record Offer(long capacity, long declared, int concurrency) {}

  /** The share of its machine's throughput an honest miner declares. */
  public static final double DECLARED_SHARE = 0.8;

  private final List<MinerSpec> specs;
  private final ServiceModel model;
  private final Duration period;
  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final ScheduledThreadPoolExecutor timer;

  /**
   * @param specs every simulated miner; names unique, and the specs of one machine agreeing on
   *     its identities
   * @param model the honest machine's service model
   * @param period the scoring period, which every miner's configuration must have
   * @throws IllegalArgumentException when two specs share a name or disagree about a machine
   */
  public SimulatedFleet(List<MinerSpec> specs, ServiceModel model, Duration period) {
    this.specs = List.copyOf(specs);
    this.model = Objects.requireNonNull(model, "model");
    this.period = Objects.requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("the period must be positive, was " + period);
    }
    Set<String> names = new HashSet<>();
    Map<String, MinerSpec> firstOnMachine = new HashMap<>();
    for (MinerSpec spec : this.specs) {
      if (!names.add(spec.name())) {
        throw new IllegalArgumentException("two simulated miners are named " + spec.name());
      }
      MinerSpec first = firstOnMachine.putIfAbsent(spec.machine(), spec);
      if (first != null && (first.behaviour() != spec.behaviour()
          || first.identities() != spec.identities())) {
        throw new IllegalArgumentException("miners " + first.name() + " and " + spec.name()
            + " share machine " + spec.machine() + " but not its behaviour and identities ("
            + first.behaviour() + " x" + first.identities() + ", " + spec.behaviour() + " x"
            + spec.identities() + ")");
      }
      if (first == null) {
        machines.put(spec.machine(), new Machine(spec.machine(), machineSlots(spec)));
      }
    }
    AtomicInteger threads = new AtomicInteger();
    this.timer = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "sim-fleet-timer-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
  }

  public List<MinerSpec> specs() {
    return specs;
  }

  /** The honest machine's service model. */
  public ServiceModel model() {
    return model;
  }

  public Duration period() {
    return period;
  }

  /**
   * The service model {@code spec}'s miner serves with: {@value SimulatedBackends#SLOWDOWN} times
   * slower for {@link Behaviour#SLOW}, N times slower for each of N {@link Behaviour#SYBIL}
   * identities, the honest one for every other behaviour.
   */
  public ServiceModel model(MinerSpec spec) {
    return switch (spec.behaviour()) {
      case SLOW -> model.slower(SimulatedBackends.SLOWDOWN);
      case SYBIL -> spec.identities() == 1 ? model : model.slower(spec.identities());
      default -> model;
    };
  }

  /**
   * The machine named {@code name}.
   *
   * @throws IllegalArgumentException when no spec of the fleet runs on it
   */
  public Machine machine(String name) {
    Machine m = machines.get(name);
    if (m == null) {
      throw new IllegalArgumentException("the fleet has no machine named " + name + "; it has "
          + machines.keySet());
    }
    return m;
  }

  /**
   * What {@code spec}'s miner declares, serves and takes at once for a task of {@code kind}
   * whose requests have {@code unitsPerRequest} work units (the class comment gives the rules).
   *
   * @param maxCapacity the task's {@code max_capacity}, to which volumes are clamped
   * @throws IllegalArgumentException when the model has no times for {@code kind}, or a number
   *     is out of range
   */
  public Offer offer(MinerSpec spec, String kind, long unitsPerRequest, long maxCapacity) {
    Objects.requireNonNull(spec, "spec");
    if (maxCapacity < 0) {
      throw new IllegalArgumentException("max capacity must be >= 0, was " + maxCapacity);
    }
    long machine = model.capacityPerPeriod(kind, unitsPerRequest, period);
    long own = model(spec).capacityPerPeriod(kind, unitsPerRequest, period);
    long honest = (long) (DECLARED_SHARE * machine);
    int slots = model.slots();
    long capacity;
    long declared;
    int concurrency = slots;
    switch (spec.behaviour()) {
      case OVERCLAIM -> {
        capacity = machine;
        declared = saturatedTimes(honest, Behaviour.OVERCLAIM_FACTOR);
        concurrency = slots * Behaviour.OVERCLAIM_FACTOR;
      }
      case SLOW -> {
        capacity = own;
        declared = honest;
      }
      case GO_DARK -> {
        capacity = 0;
        declared = DeclarationPolicies.GO_DARK_VOLUME;
      }
      default -> {
        // sybil: its own, slower model; timeshare: the whole machine, as it claims
        capacity = own;
        declared = (long) (DECLARED_SHARE * own);
      }
    }
    return new Offer(Math.min(capacity, maxCapacity), Math.min(declared, maxCapacity),
        concurrency);
  }

  /**
   * A configuration of a task for {@code spec}'s miner as {@link #create} reads it: {@link
   * #offer}'s declared volume as its {@code capacity}, its concurrency as its {@code
   * max_concurrency}, the reference backend.
   */
  public MinerConfig.TaskConfig taskConfig(MinerSpec spec, String kind, String taskModel,
      long unitsPerRequest, long maxCapacity) {
    Offer offer = offer(spec, kind, unitsPerRequest, maxCapacity);
    return new MinerConfig.TaskConfig(kind, taskModel, offer.declared(), offer.concurrency(),
        null);
  }

  /**
   * Builds {@code spec}'s miner, not yet started, as {@link MinerFactory#create(MinerConfig)}
   * would build {@code config} (identity, address, period, validators, tasks and their
   * backends), but behaving as {@code spec} says, whatever {@code config.behaviour()} is: each
   * task's honest backend wrapped in the behaviour ({@link SimulatedBackends#wrap}; a slow
   * miner's answers are honest, its machine slow), then in a {@link ServiceTimeBackend} on the
   * spec's machine with {@link #model(MinerSpec)}, outermost; {@code GET /capacity} answered as
   * {@link DeclarationPolicies#of} says.
   *
   * <p>The caller sets each task's numbers: its {@code capacity} is what the miner declares and
   * takes in a period, its {@code max_concurrency} what it declares and takes at once, both
   * {@link #offer}'s ({@link Offer#declared}, {@link Offer#concurrency}; {@link #taskConfig}
   * makes such a task). The miner does not cap its volume below that: what its machine cannot
   * serve at once it sheds with 429, and its speed bounds the rest.
   *
   * @throws IllegalArgumentException when {@code spec} is not one of the fleet's, or its period
   *     is not the fleet's
   * @throws io.assay.config.ConfigException as {@link MinerFactory#create(MinerConfig)} does
   */
  public Miner create(MinerFactory factory, MinerConfig config, MinerSpec spec) {
    Objects.requireNonNull(factory, "factory");
    if (!specs.contains(spec)) {
      throw new IllegalArgumentException("miner " + spec.name() + " is not one of the fleet's");
    }
    if (!config.period().equals(period)) {
      throw new IllegalArgumentException("miner " + config.name() + ": period "
          + config.period() + " is not the fleet's " + period);
    }
    Machine machine = machine(spec.machine());
    ServiceModel own = model(spec);
    return factory.create(config, new MinerFactory.Tailoring() {
      @Override
      public TaskOffer offer(MinerConfig.TaskConfig t, TaskKind kind, TaskSpec taskSpec,
          Backend honest) {
        ServiceModel.Times times = own.times(kind.name());
        Task task = kind.bind(taskSpec);
        Random random = new Random((config.name() + "/" + taskSpec.id()).hashCode());
        Backend behaving = spec.behaviour() == Behaviour.SLOW ? honest
            : SimulatedBackends.wrap(spec.behaviour(), honest, task, timer, random);
        Backend timed = new ServiceTimeBackend(behaving, task, machine, times, timer);
        return new TaskOffer(kind, taskSpec, timed, t.capacity(), t.maxConcurrency());
      }

      @Override
      public DeclarationPolicy declarationPolicy() {
        return DeclarationPolicies.of(spec.behaviour());
      }
    });
  }

  /** Stops the timer: requests still waiting on it fail. Close the miners first. */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** A sybil machine runs its N identities side by side: N times the slots, each N times slower. */
  private int machineSlots(MinerSpec spec) {
    int slots = model.slots();
    return spec.behaviour() == Behaviour.SYBIL ? Math.multiplyExact(slots, spec.identities())
        : slots;
  }

  private static long saturatedTimes(long value, int factor) {
    return value > Long.MAX_VALUE / factor ? Long.MAX_VALUE : value * factor;
  }
}
