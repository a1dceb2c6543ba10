package io.assay.miner.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a simulated miner behaves: honestly, or with one way of cheating or failing that scoring
 * must catch (SCORING.md section 8). {@link SimulatedBackends#wrap} applies the behaviours that
 * change answers; {@link DeclarationPolicies#of} those that change {@code GET /capacity}; {@link
 * SimulatedFleet} those that change what a miner declares and how fast its machine is.
 *
 * <p>Speeds, capacities and concurrency below are those of a {@link SimulatedFleet}, where every
 * miner runs on a {@link Machine} with a {@link ServiceModel}; a miner built by {@link
 * io.assay.miner.MinerFactory#create(io.assay.miner.MinerConfig)} alone has no service model and
 * runs as fast as its backend.
 */
public enum Behaviour {
  /**
   * Declares most of what its machine serves (in a simulated fleet, {@link
   * SimulatedFleet#DECLARED_SHARE}) and answers every request correctly, at full speed.
   */
  HONEST("honest"),
  /**
   * Declares {@value #OVERCLAIM_FACTOR} times an honest miner's volume and concurrency, serves
   * honestly what fits on its machine and sheds the rest with 429.
   */
  OVERCLAIM("overclaim"),
  /**
   * Answers correctly, {@value SimulatedBackends#SLOWDOWN} times slower than its machine should
   * (every service time multiplied), while declaring the honest machine's capacity.
   */
  SLOW("slow"),
  /** Fails 30% of requests, chosen at random. */
  FLAKY("flaky"),
  /** Answers with well-formed random content. */
  RANDOM_OUTPUT("random-output"),
  /** Answers from another model or seed: plausible, but not what was asked for. */
  OTHER_MODEL("other-model"),
  /**
   * Proves honestly, then returns the proof with one coordinate changed, which does not verify.
   * About proofs only: the other tasks of such a miner are served honestly.
   */
  BAD_PROOF("bad-proof"),
  /**
   * Declares the most it can at the first capacity poll of each period (every task, volume
   * {@link DeclarationPolicies#GO_DARK_VOLUME}, which the gateway clamps to its {@code
   * max_capacity}), then answers every later {@code GET /capacity} of that period with 503 and
   * fails every task request (502, a backend failure): it hopes a later poll would clear what it
   * declared.
   */
  GO_DARK("go-dark"),
  /**
   * Answers {@code GET /capacity} with 503 during the first {@link DeclarationPolicies#LATE_SHARE
   * tenth} of each period, longer than the gateway's declaration grace window (1/30 of a period),
   * then declares and serves honestly. A declaration inside the grace window would bind like a
   * punctual one and gain nothing; one after it binds nothing.
   */
  LATE("late"),
  /**
   * Serves honestly the requests whose content the task's public built-in generator made ({@link
   * io.assay.task.SyntheticGenerator#produced}), which it takes for the validator's tests, and
   * answers everything else with random content, as {@link #RANDOM_OUTPUT} does (streams too).
   */
  DETECTOR("detector"),
  /**
   * For a streamed request, passes the honest stream's first chunk, then only SSE keep-alive
   * comments every {@value SimulatedBackends#STALL_KEEP_ALIVE_MILLIS} ms until the connection
   * is gone (at most {@value SimulatedBackends#MAX_STALL_MINUTES} minutes), and never completes
   * the answer. Requests that do not stream are served honestly.
   */
  STALLER("staller"),
  /**
   * llm only: answers with at most {@value SimulatedBackends#EARLY_STOP_TOKENS} tokens of the
   * honest answer and {@code finish_reason} "stop", as if the model had chosen to end there
   * (streams too). The other kinds are served honestly.
   */
  EARLY_STOP("early-stop"),
  /**
   * Image edits only: serves them as a miner without an edit pipeline would. An edit without a
   * mask is drawn as a generation of its prompt (the input pictures ignored); one with a mask is
   * redrawn whole (the mask ignored). Generations and the other kinds are served honestly.
   */
  LAZY_EDITS("lazy-edits"),
  /**
   * One honest machine's capacity and speed split across several identities (the count of a
   * {@code sybil:N} spec): each identity is honest, with every service time multiplied by the
   * number of identities, so each declares and serves 1/N of the machine.
   */
  SYBIL("sybil"),
  /**
   * One honest machine behind several identities (the count of a {@code timeshare:N} spec): they
   * share its slots, and each declares the machine's full capacity and concurrency and serves
   * whatever reaches it while the machine has a free slot (429 when it has none).
   */
  TIMESHARE("timeshare");

  /** How many times an honest miner's declaration an {@link #OVERCLAIM} miner declares. */
  public static final int OVERCLAIM_FACTOR = 5;

  private final String id;

  Behaviour(String id) {
    this.id = id;
  }

  /** The lower-case id used in configuration and miner specs, e.g. {@code random-output}. */
  public String id() {
    return id;
  }

  /**
   * How many times the capacity it serves a miner with this behaviour declares (in a {@link
   * SimulatedFleet}, its concurrency too): {@value #OVERCLAIM_FACTOR} for {@link #OVERCLAIM}, 1
   * for every other behaviour.
   */
  public int declaredFactor() {
    return this == OVERCLAIM ? OVERCLAIM_FACTOR : 1;
  }

  /**
   * The behaviour with this id, ignoring case and surrounding white space.
   *
   * @throws IllegalArgumentException naming the valid ids when there is none
   */
  public static Behaviour parse(String id) {
    if (id != null) {
      String wanted = id.trim().toLowerCase(Locale.ROOT);
      for (Behaviour b : values()) {
        if (b.id.equals(wanted)) {
          return b;
        }
      }
    }
    throw new IllegalArgumentException("unknown behaviour '" + id + "'; expected one of "
        + Arrays.stream(values()).map(Behaviour::id).collect(Collectors.joining(", ")));
  }

  /**
   * Whether the count of a spec entry for this behaviour ({@code sybil:3}) is the number of
   * identities of one machine, rather than a number of machines ({@code honest:3}).
   */
  public boolean identitiesShareOneMachine() {
    return this == SYBIL || this == TIMESHARE;
  }

  @Override
  public String toString() {
    return id;
  }
}
