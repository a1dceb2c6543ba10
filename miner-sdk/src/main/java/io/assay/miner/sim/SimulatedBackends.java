package io.assay.miner.sim;

import io.assay.task.Backend;
import io.assay.task.Task;
import io.assay.task.TaskException;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * Backends that misbehave on purpose, for marketplace simulations that check honest miners
 * out-earn cheaters. Each behaviour is a decorator over an honest backend:
 *
 * <ul>
 *   <li>{@link Behaviour#HONEST}, {@link Behaviour#OVERCLAIM}, {@link Behaviour#LATE}, {@link
 *       Behaviour#SYBIL} and {@link Behaviour#TIMESHARE}: the honest backend itself (they lie in
 *       {@code GET /capacity} or in how they use their machine, see {@link
 *       io.assay.miner.TaskOffer#withDeclared}, {@link DeclarationPolicies} and {@link
 *       SimulatedFleet}, not in their answers);
 *   <li>{@link Behaviour#SLOW}: completes (and, streaming, sends each chunk) ten times as late as
 *       the honest backend did, measured per request and waited out on the timer (in a {@link
 *       SimulatedFleet} its machine is ten times slower instead);
 *   <li>{@link Behaviour#FLAKY}: fails 30% of requests at random with {@code simulated failure},
 *       without computing them;
 *   <li>{@link Behaviour#RANDOM_OUTPUT}: lets the honest backend work, then answers with random
 *       content of the same shape: random unit vectors; random words with made-up but
 *       well-formed log-probabilities; PNG noise of the honest width and height; proofs whose
 *       coordinates are random field elements;
 *   <li>{@link Behaviour#OTHER_MODEL}: answers another request: an llm request with another seed
 *       and a higher temperature, an embeddings request for a perturbed input, an image request
 *       with another seed, a zk request for inputs one step off (a valid proof of the wrong
 *       thing);
 *   <li>{@link Behaviour#BAD_PROOF}: proves honestly, then changes one coordinate of the proof,
 *       so it no longer verifies; answers without a proof (every kind but zk-proof) are the
 *       honest ones, unchanged;
 *   <li>{@link Behaviour#GO_DARK}: fails every request at once (not busy: the miner answers
 *       502);
 *   <li>{@link Behaviour#DETECTOR}: honest for requests the task's public generator made, random
 *       output (as above) for the rest;
 *   <li>{@link Behaviour#STALLER}: a stream's first chunk, then keep-alives every 500 ms and no
 *       completion until the receiver is gone (10 minutes at most); unstreamed requests honest;
 *   <li>{@link Behaviour#EARLY_STOP}: llm answers of at most 3 tokens ending with {@code stop};
 *       other kinds honest.
 * </ul>
 *
 * <p>A behaviour that changes answers fails the request with {@link TaskException} ({@code
 * "<behaviour> is not simulated for <type>"}) for a request or answer type it does not know.
 *
 * <p>The decorators are thread-safe, never block the caller and stream consistently with what
 * they serve. Closing one closes the honest backend, not the timer.
 */
public final class SimulatedBackends {

  /** The share of requests a {@link Behaviour#FLAKY} backend fails. */
  public static final double FLAKY_FAILURE_RATE = 0.3;
  /** How many times the honest time a {@link Behaviour#SLOW} backend takes. */
  public static final int SLOWDOWN = 10;
  /** How often a {@link Behaviour#STALLER} stream sends a keep-alive, in milliseconds. */
  public static final long STALL_KEEP_ALIVE_MILLIS = 500;
  /** How long a {@link Behaviour#STALLER} stalls a stream at most, in minutes. */
  public static final long MAX_STALL_MINUTES = 10;
  /** The most tokens an {@link Behaviour#EARLY_STOP} answer has. */
  public static final int EARLY_STOP_TOKENS = 3;

  private SimulatedBackends() {}

  /**
   * The honest backend made to behave as {@code behaviour}, for every behaviour but {@link
   * Behaviour#DETECTOR} (which needs the task: see {@link #wrap(Behaviour, Backend, Task,
   * ScheduledExecutorService, RandomGenerator)}).
   */
  public static Backend wrap(Behaviour behaviour, Backend honest, ScheduledExecutorService timer,
      RandomGenerator random) {
    return wrap(behaviour, honest, null, timer, random);
  }

  /**
   * The honest backend made to behave as {@code behaviour}.
   *
   * @param behaviour how to misbehave
   * @param honest computes the real answers; closed when the result is closed
   * @param task the task served; its generator tells a {@link Behaviour#DETECTOR} what is
   *     synthetic; may be null for every other behaviour
   * @param timer delays {@link Behaviour#SLOW} answers and {@link Behaviour#STALLER} keep-alives;
   *     owned by the caller, may be null for every other behaviour
   * @param random draws failures and fake content; used under a lock, so any generator will do
   *     (seed it for repeatable runs); may be null for behaviours that draw nothing
   * @throws NullPointerException when the behaviour needs a task, a timer or a generator it lacks
   */
  public static Backend wrap(Behaviour behaviour, Backend honest, Task task,
      ScheduledExecutorService timer, RandomGenerator random) {
    Objects.requireNonNull(behaviour, "behaviour");
    Objects.requireNonNull(honest, "honest");
    return switch (behaviour) {
      case HONEST, OVERCLAIM, LATE, SYBIL, TIMESHARE -> honest;
      case SLOW -> new SlowBackend(honest, Objects.requireNonNull(timer, "timer"), SLOWDOWN);
      case FLAKY -> new FlakyBackend(honest, new LockedRandom(random), FLAKY_FAILURE_RATE);
      case RANDOM_OUTPUT -> new RandomOutputBackend(honest, new FakeContent(new LockedRandom(random)));
      case OTHER_MODEL -> new OtherModelBackend(honest);
      case LAZY_EDITS -> new LazyEditsBackend(honest);
      case BAD_PROOF -> new BadProofBackend(honest);
      case GO_DARK -> new GoDarkBackend(honest);
      case DETECTOR -> new DetectorBackend(honest,
          Objects.requireNonNull(task, "task").syntheticGenerator(),
          new FakeContent(new LockedRandom(random)));
      case STALLER -> new StallerBackend(honest, Objects.requireNonNull(timer, "timer"));
      case EARLY_STOP -> new EarlyStopBackend(honest);
    };
  }

  /** Whether {@code behaviour}'s decorator needs a timer ({@link #wrap}'s {@code timer}). */
  public static boolean needsTimer(Behaviour behaviour) {
    return behaviour == Behaviour.SLOW || behaviour == Behaviour.STALLER;
  }

  /** Why a behaviour cannot handle a request or answer of this type. */
  static TaskException notSimulated(Behaviour behaviour, Object what) {
    return new TaskException(
        behaviour.id() + " is not simulated for " + what.getClass().getName());
  }
}
