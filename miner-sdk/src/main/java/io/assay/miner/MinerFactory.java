package io.assay.miner;

import io.assay.config.ConfigException;
import io.assay.miner.sim.Behaviour;
import io.assay.miner.sim.DeclarationPolicies;
import io.assay.miner.sim.SimulatedBackends;
import io.assay.protocol.Hotkey;
import io.assay.protocol.Identity;
import io.assay.task.Backend;
import io.assay.task.ChunkSink;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import io.assay.task.TaskSpec;
import io.assay.task.UpstreamConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link MinerConfig} into a {@link Miner}: finds task kinds, builds backends and applies
 * the configured {@link Behaviour} to every offered task (see {@link #create}).
 */
public final class MinerFactory {

  private static final Logger log = LoggerFactory.getLogger(MinerFactory.class);

  private final TaskKinds kinds;
  private final ExecutorService workers;
  private final ScheduledExecutorService timer;

  /**
   * A factory that gives each {@link Behaviour#SLOW} or {@link Behaviour#STALLER} task a timer
   * thread of its own, stopped when its miner stops.
   *
   * @param kinds where task kinds are looked up
   * @param workers runs reference-engine inference; owned by the caller
   */
  public MinerFactory(TaskKinds kinds, ExecutorService workers) {
    this(kinds, workers, null);
  }

  /**
   * @param kinds where task kinds are looked up
   * @param workers runs reference-engine inference; owned by the caller
   * @param timer delays the answers of {@link Behaviour#SLOW} miners and the keep-alives of
   *     {@link Behaviour#STALLER} miners; owned by the caller, or null for a timer thread per
   *     such task
   */
  public MinerFactory(TaskKinds kinds, ExecutorService workers, ScheduledExecutorService timer) {
    this.kinds = kinds;
    this.workers = workers;
    this.timer = timer;
  }

  /**
   * Builds the configured miner, not yet started. Its behaviour applies to every task: an
   * {@link Behaviour#OVERCLAIM overclaiming} miner declares {@link Behaviour#declaredFactor()}
   * times the capacity it serves; {@link Behaviour#GO_DARK} and {@link Behaviour#LATE} miners
   * answer {@code GET /capacity} as {@link DeclarationPolicies#of} says; the others wrap each
   * backend with {@link SimulatedBackends#wrap}, drawing from a generator seeded with the
   * miner's name and task id. There is no service model here ({@link
   * io.assay.miner.sim.SimulatedFleet} adds one): {@link Behaviour#SYBIL} and {@link
   * Behaviour#TIMESHARE} miners built alone are honest.
   *
   * @throws ConfigException when a task kind, a reference engine or the behaviour is unavailable
   */
  public Miner create(MinerConfig config) {
    return create(config, new ByBehaviour(config));
  }

  /**
   * Builds the configured miner, not yet started, with {@code tailoring} making each task's
   * offer from its honest backend and choosing what the miner declares. The configuration's
   * {@link MinerConfig#behaviour()} is left to the tailoring. A task whose backend cannot run
   * here ({@link Backend#unavailableReason()}) declares and serves nothing, whatever the
   * tailoring offered.
   *
   * @throws ConfigException when a task kind or a reference engine is unavailable
   */
  public Miner create(MinerConfig config, Tailoring tailoring) {
    return create(config, tailoring, null);
  }

  /**
   * Builds the configured miner, as {@link #create(MinerConfig)} does, running in the TEE whose
   * quotes {@code quotes} makes: it answers an attested session's hello with a quote, and only
   * it can open that session's sealed bodies (see {@code ATTESTATION.md}).
   */
  public Miner create(MinerConfig config, io.assay.miner.attestation.QuoteProvider quotes) {
    return create(config, new ByBehaviour(config), quotes);
  }

  private Miner create(MinerConfig config, Tailoring tailoring,
      io.assay.miner.attestation.QuoteProvider quotes) {
    Objects.requireNonNull(tailoring, "tailoring");
    Identity identity;
    try {
      identity = Identity.loadOrCreate(config.identityFile());
    } catch (IOException e) {
      throw new UncheckedIOException("miner " + config.name() + ": cannot read or create identity "
          + config.identityFile(), e);
    }
    Set<Hotkey> accepted = new HashSet<>(config.acceptValidators());
    Miner.Builder builder = Miner.builder()
        .name(config.name())
        .identity(identity)
        .host(config.host())
        .port(config.port())
        .periodLength(config.period())
        .acceptValidators(config.acceptAnyValidator() ? v -> true : accepted::contains)
        .metricsToken(config.metricsToken())
        .declarationPolicy(tailoring.declarationPolicy());
    if (quotes != null) {
      builder.quoteProvider(quotes);
    }
    List<Backend> built = new ArrayList<>();
    Map<String, List<String>> unavailableTasks = new LinkedHashMap<>();
    try {
      for (MinerConfig.TaskConfig t : config.tasks()) {
        TaskKind kind = kinds.byName(t.kind()).orElseThrow(() -> new ConfigException(
            "miner " + config.name() + ": unknown task kind '" + t.kind() + "'; known kinds: "
                + kinds.all().stream().map(TaskKind::name).toList()));
        TaskSpec spec = new TaskSpec(kind.name(), t.model(), t.capacity(), 1);
        Backend honest = backend(kind, spec, t);
        built.add(honest);
        TaskOffer offer = tailoring.offer(t, kind, spec, honest);
        built.set(built.size() - 1, offer.backend());
        String unavailable = honest.unavailableReason();
        if (unavailable != null) {
          // Declaring nothing keeps the miner honest and every other task working.
          unavailableTasks.computeIfAbsent(unavailable, r -> new ArrayList<>()).add(spec.id());
          offer = new TaskOffer(kind, spec, offer.backend(), 0, offer.maxConcurrency());
        }
        builder.offer(offer);
      }
      // One line per reason: the tasks of one missing runtime are said together.
      unavailableTasks.forEach((reason, ids) -> log.warn(
          "miner {}: {} declare{} no capacity: {}", config.name(), ids,
          ids.size() == 1 ? "s" : "", reason));
      return builder.build();
    } catch (RuntimeException e) {
      built.forEach(MinerFactory::closeQuietly);
      throw e;
    }
  }

  /**
   * How a miner differs from the honest one its configuration describes: what each task offers
   * and what the miner declares. Used while a miner is built, on the building thread.
   */
  public interface Tailoring {

    /**
     * The offer of one configured task.
     *
     * @param task the task as configured
     * @param kind its kind
     * @param spec its spec: kind, model, the configured capacity as its {@code maxCapacity}
     * @param honest its honest backend; the offer's backend serves through it and closes it
     *     when closed
     */
    TaskOffer offer(MinerConfig.TaskConfig task, TaskKind kind, TaskSpec spec, Backend honest);

    /** What the miner answers to {@code GET /capacity}; the honest declaration by default. */
    default DeclarationPolicy declarationPolicy() {
      return DeclarationPolicy.HONEST;
    }
  }

  /** The configuration's behaviour, without a service model. */
  private final class ByBehaviour implements Tailoring {
    private final MinerConfig config;

    ByBehaviour(MinerConfig config) {
      this.config = config;
    }

    @Override
    public TaskOffer offer(MinerConfig.TaskConfig t, TaskKind kind, TaskSpec spec,
        Backend honest) {
      Backend served = simulated(config, kind, spec, honest);
      long declared = saturatedTimes(t.capacity(), config.behaviour().declaredFactor());
      return new TaskOffer(kind, spec, served, t.capacity(), t.maxConcurrency())
          .withDeclared(declared);
    }

    @Override
    public DeclarationPolicy declarationPolicy() {
      return DeclarationPolicies.of(config.behaviour());
    }
  }

  /** The honest backend of a configured task: its upstream server, or the reference engine. */
  Backend backend(TaskKind kind, TaskSpec spec, MinerConfig.TaskConfig t) {
    if (t.upstream() != null) {
      MinerConfig.Upstream u = t.upstream();
      return kind.upstreamBackend(spec,
          new UpstreamConfig(u.baseUrl(), u.model(), u.apiKey(), u.timeout()));
    }
    return kind.referenceBackend(spec, workers).orElseThrow(() -> new ConfigException(
        "task " + spec.id() + ": there is no reference engine for model '" + spec.model()
            + "' (reference models: " + kind.referenceModels()
            + "); use backend: upstream to forward to a model server"));
  }

  private Backend simulated(MinerConfig config, TaskKind kind, TaskSpec spec, Backend honest) {
    Behaviour behaviour = config.behaviour();
    if (behaviour == Behaviour.HONEST) {
      return honest;
    }
    String who = config.name() + "/" + spec.id();
    Random random = new Random(who.hashCode());
    Task task = kind.bind(spec);
    try {
      if (!SimulatedBackends.needsTimer(behaviour) || timer != null) {
        return SimulatedBackends.wrap(behaviour, honest, task, timer, random);
      }
      ScheduledExecutorService own = ownTimer(behaviour.id() + "-timer-" + who);
      return new OwningTimer(SimulatedBackends.wrap(behaviour, honest, task, own, random), own);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("miner " + config.name() + ": config key 'behaviour': "
          + e.getMessage());
    }
  }

  private static ScheduledExecutorService ownTimer(String threadName) {
    ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    own.setRemoveOnCancelPolicy(true);
    own.prestartAllCoreThreads();
    return own;
  }

  private static long saturatedTimes(long value, int factor) {
    return value > Long.MAX_VALUE / factor ? Long.MAX_VALUE : value * factor;
  }

  private static void closeQuietly(Backend backend) {
    try {
      backend.close();
    } catch (RuntimeException ignored) {
      // already failing; the first error is the one to report
    }
  }

  /** A backend (slow, stalling) that stops the timer made for it when it is closed. */
  private record OwningTimer(Backend backend, ScheduledExecutorService timer) implements Backend {

    @Override
    public CompletionStage<TaskAnswer> serve(TaskRequest request) {
      return backend.serve(request);
    }

    @Override
    public CompletionStage<TaskAnswer> stream(TaskRequest request, ChunkSink sink) {
      return backend.stream(request, sink);
    }

    @Override
    public String unavailableReason() {
      return backend.unavailableReason();
    }

    @Override
    public void close() {
      try {
        backend.close();
      } finally {
        timer.shutdownNow();
      }
    }
  }
}
