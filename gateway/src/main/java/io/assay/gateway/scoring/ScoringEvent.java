package io.assay.gateway.scoring;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.assay.checking.CheckingStreams;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A recorded fact that the weights are computed from (SCORING.md section 8). The log of these
 * events, in recorded order, is the whole input of {@link WeightCalculator}; nothing else (no
 * clock, no live state, no configuration) enters the computation: even the scoring constants
 * are events ({@link ParamsChanged}).
 *
 * <p>On the wire an event is one JSON object with a {@code "type"} discriminator (the value of
 * {@link #type()}) and snake_case fields, so a JSON-lines file of mixed events reads back equal
 * to what was written, doubles included (see {@link EventLog}). The constructors reject values
 * that no correct recorder produces (null strings, negative volumes, non-finite numbers).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ScoringEvent.ParamsChanged.class, name = ScoringEvent.PARAMS),
    @JsonSubTypes.Type(value = ScoringEvent.CapacityDeclared.class,
        name = ScoringEvent.CAPACITY_DECLARED),
    @JsonSubTypes.Type(value = ScoringEvent.TestPlanned.class, name = ScoringEvent.TEST_PLANNED),
    @JsonSubTypes.Type(value = ScoringEvent.RequestOutcome.class,
        name = ScoringEvent.REQUEST_OUTCOME),
    @JsonSubTypes.Type(value = ScoringEvent.TestShortfall.class,
        name = ScoringEvent.TEST_SHORTFALL),
    @JsonSubTypes.Type(value = ScoringEvent.QualityChecked.class,
        name = ScoringEvent.QUALITY_CHECKED),
    @JsonSubTypes.Type(value = ScoringEvent.CheckFailed.class, name = ScoringEvent.CHECK_FAILED),
    @JsonSubTypes.Type(value = ScoringEvent.TaskWeightsChanged.class,
        name = ScoringEvent.TASK_WEIGHTS_CHANGED),
    @JsonSubTypes.Type(value = ScoringEvent.UidsChanged.class, name = ScoringEvent.UIDS)})
public sealed interface ScoringEvent {

  String PARAMS = "params";
  String CAPACITY_DECLARED = "capacity_declared";
  String TEST_PLANNED = "test_planned";
  String REQUEST_OUTCOME = "request_outcome";
  String TEST_SHORTFALL = "test_shortfall";
  /** Written by the checking servers, who define it. */
  String QUALITY_CHECKED = CheckingStreams.EVENT_QUALITY_CHECKED;
  /** Written by the checking servers, who define it. */
  String CHECK_FAILED = CheckingStreams.EVENT_CHECK_FAILED;
  String TASK_WEIGHTS_CHANGED = "task_weights_changed";
  String UIDS = "uids";

  /** The JSON discriminator of this event, one of the constants above. */
  @JsonIgnore
  String type();

  /** Epoch millis when the fact was known; a computation reads only events at or before it. */
  long at();

  /**
   * The scoring parameters and task configuration in force from {@code at} on: recorded at
   * start and whenever they change. Durations are in milliseconds on the wire.
   */
  record ParamsChanged(
      @JsonProperty("at") long at,
      @JsonProperty("period_ms") long periodMs,
      @JsonProperty("declaration_grace_ms") long declarationGraceMs,
      @JsonProperty("quality_window_ms") long qualityWindowMs,
      @JsonProperty("min_answers") int minAnswers,
      @JsonProperty("quality_threshold") double qualityThreshold,
      @JsonProperty("quality_exponent") double qualityExponent,
      @JsonProperty("quality_min") double qualityMin,
      @JsonProperty("bonus_span") double bonusSpan,
      @JsonProperty("volume_window_ms") long volumeWindowMs,
      @JsonProperty("half_life_periods") double halfLifePeriods,
      @JsonProperty("established_periods") int establishedPeriods,
      @JsonProperty("new_miner_multiplier") double newMinerMultiplier,
      @JsonProperty("task_exponent") double taskExponent,
      @JsonProperty("stream_ttft_max_ms") long streamTtftMaxMs,
      @JsonProperty("zk_recent") int zkRecent,
      @JsonProperty("burn_uid") @JsonInclude(JsonInclude.Include.ALWAYS) Integer burnUid,
      @JsonProperty("tasks") SortedMap<String, TaskWire> tasks) implements ScoringEvent {

    /** One task's scoring parameters on the wire; {@code response_timeout_ms} null if none. */
    public record TaskWire(
        @JsonProperty("min_rate") double minRate,
        @JsonProperty("response_timeout_ms") @JsonInclude(JsonInclude.Include.ALWAYS)
            Long responseTimeoutMs) {}

    public ParamsChanged {
      tasks = Collections.unmodifiableSortedMap(new TreeMap<>(tasks == null ? Map.of() : tasks));
    }

    /** The event recording {@code p} as in force from {@code at}. */
    public static ParamsChanged of(long at, ScoringParams p) {
      SortedMap<String, TaskWire> tasks = new TreeMap<>();
      p.tasks().forEach((id, t) -> tasks.put(id, new TaskWire(t.minRate(),
          t.responseTimeout() == null ? null : t.responseTimeout().toMillis())));
      return new ParamsChanged(at, p.period().toMillis(), p.declarationGrace().toMillis(),
          p.qualityWindow().toMillis(), p.minAnswers(), p.qualityThreshold(),
          p.qualityExponent(), p.qualityMin(), p.bonusSpan(), p.volumeWindow().toMillis(),
          p.halfLifePeriods(), p.establishedPeriods(), p.newMinerMultiplier(), p.taskExponent(),
          p.streamTtftMax().toMillis(), p.zkRecent(), p.burnUid(), tasks);
    }

    /**
     * The parameters this event records.
     *
     * @throws IllegalArgumentException naming the key when a recorded value is out of range
     */
    public ScoringParams params() {
      SortedMap<String, ScoringParams.TaskParams> byTask = new TreeMap<>();
      tasks.forEach((id, t) -> byTask.put(id, new ScoringParams.TaskParams(t.minRate(),
          t.responseTimeoutMs() == null ? null : Duration.ofMillis(t.responseTimeoutMs()))));
      return new ScoringParams(Duration.ofMillis(periodMs), Duration.ofMillis(declarationGraceMs),
          Duration.ofMillis(qualityWindowMs), minAnswers, qualityThreshold, qualityExponent,
          qualityMin, bonusSpan, Duration.ofMillis(volumeWindowMs), halfLifePeriods,
          establishedPeriods, newMinerMultiplier, taskExponent, Duration.ofMillis(streamTtftMaxMs),
          zkRecent, burnUid, byTask);
    }

    /** Whether this event records the same parameters as {@code other}, whatever its time. */
    public boolean sameParams(ParamsChanged other) {
      return other != null && of(0, params()).equals(of(0, other.params()));
    }

    @Override
    public String type() {
      return PARAMS;
    }
  }

  /**
   * A miner's binding declaration for one task and period (SCORING.md section 1): the first
   * valid answer to {@code GET /capacity} within the period's grace window.
   *
   * @param at when it was received
   * @param declared {@code c}: work units for the period, already clamped to {@code [0,
   *     max_capacity]}
   * @param concurrency the requests the miner takes at once
   */
  record CapacityDeclared(
      @JsonProperty("at") long at,
      @JsonProperty("period") long period,
      @JsonProperty("miner") String miner,
      @JsonProperty("task") String task,
      @JsonProperty("declared") long declared,
      @JsonProperty("concurrency") int concurrency) implements ScoringEvent {

    public CapacityDeclared {
      Objects.requireNonNull(miner, "miner");
      Objects.requireNonNull(task, "task");
      if (declared < 0 || concurrency < 0) {
        throw new IllegalArgumentException("declared capacity and concurrency must be >= 0, were "
            + declared + " and " + concurrency + " (miner " + miner + ", task " + task + ")");
      }
    }

    @Override
    public String type() {
      return CAPACITY_DECLARED;
    }
  }

  /**
   * The test window of one task and period (SCORING.md section 2), recorded only once the
   * window has ended, so that no miner can read it from the log in time.
   *
   * @param fraction the drawn test fraction {@code f}
   * @param windowStart epoch millis, inclusive
   * @param windowEnd epoch millis, exclusive
   * @param cap when the budget bound, the most work any one miner was asked in the window
   *     (water-filled: {@code c_W = min(c * f, cap)}); null when every miner was asked its {@code
   *     c * f}
   * @param tested null when every miner with {@code c > 0} was tested; an empty list when the
   *     budget, too small for one request each, tested no one this period (logs of an earlier
   *     version may name a subset)
   */
  record TestPlanned(
      @JsonProperty("at") long at,
      @JsonProperty("period") long period,
      @JsonProperty("task") String task,
      @JsonProperty("fraction") double fraction,
      @JsonProperty("window_start") long windowStart,
      @JsonProperty("window_end") long windowEnd,
      @JsonProperty("cap") @JsonInclude(JsonInclude.Include.ALWAYS) Double cap,
      @JsonProperty("tested") @JsonInclude(JsonInclude.Include.NON_NULL)
          java.util.List<String> tested) implements ScoringEvent {

    /** A plan that asked every miner of the task its whole {@code c * f}. */
    public TestPlanned(long at, long period, String task, double fraction, long windowStart,
        long windowEnd) {
      this(at, period, task, fraction, windowStart, windowEnd, null, null);
    }

    public TestPlanned {
      tested = tested == null ? null : java.util.List.copyOf(new java.util.TreeSet<>(tested));
      Objects.requireNonNull(task, "task");
      if (!(fraction > 0 && fraction <= 1) || (cap != null && !(cap > 0))
          || windowEnd < windowStart) {
        throw new IllegalArgumentException("a test plan needs a fraction in (0, 1], a positive"
            + " cap or none, and an ordered window, had " + fraction + ", " + cap + ", ["
            + windowStart + ", " + windowEnd + ") (task " + task + ")");
      }
    }

    /** Whether {@code miner} was tested in this window. */
    public boolean covers(String miner) {
      return tested == null || tested.contains(miner);
    }

    /** {@code c_W} of a miner that declared {@code c}. */
    public double windowCapacity(long c) {
      double full = c * fraction;
      return cap == null ? full : Math.min(full, cap);
    }

    /**
     * The part of a declaration of {@code c} the task's windows tested at the declared rate: all
     * of it, or when the budget capped them, what a capped window stands for ({@code cap / f}),
     * for every miner of the task, in the tested subset or not. Verified volume counts no more:
     * declaring beyond what the validator can afford to test earns nothing.
     */
    public double testedCapacity(long c) {
      return cap == null ? c : Math.min(c, cap / fraction);
    }

    /** Whether a request assigned at {@code millis} belongs to the window. */
    public boolean contains(long millis) {
      return millis >= windowStart && millis < windowEnd;
    }

    @Override
    public String type() {
      return TEST_PLANNED;
    }
  }

  /**
   * How one request to a miner ended (SCORING.md section 3), organic or synthetic.
   *
   * @param at epoch millis when the outcome was known
   * @param assignedAt epoch millis when the gateway assigned the request to the miner; its
   *     period is the request's, and it decides membership of a test window
   * @param period the scoring period of {@code assignedAt}
   * @param answerId joins the answer to its {@link QualityChecked} or {@link CheckFailed}
   * @param estimate {@code e}: the units reserved before sending
   * @param units {@code w}: the work done (for a success or an abandoned stream)
   * @param seconds from assignment to the last byte of the answer (or to the end)
   * @param synthetic whether the validator made the request up to test the miner
   * @param checkProbability {@code p}: the chance this answer had of being checked, when it was
   *     picked for checking; null when it was not picked
   * @param circuit the circuit id of a zk task (SHA-256 of its verification key), else null
   */
  record RequestOutcome(
      @JsonProperty("at") long at,
      @JsonProperty("assigned_at") long assignedAt,
      @JsonProperty("period") long period,
      @JsonProperty("miner") String miner,
      @JsonProperty("task") String task,
      @JsonProperty("answer_id") String answerId,
      @JsonProperty("outcome") Outcome outcome,
      @JsonProperty("estimate") long estimate,
      @JsonProperty("units") long units,
      @JsonProperty("seconds") double seconds,
      @JsonProperty("synthetic") boolean synthetic,
      @JsonProperty("check_p") @JsonInclude(JsonInclude.Include.ALWAYS) Double checkProbability,
      @JsonProperty("circuit") @JsonInclude(JsonInclude.Include.NON_NULL) String circuit)
      implements ScoringEvent {

    /** How a request ended. */
    public enum Outcome {
      @JsonProperty("success") SUCCESS,
      /** HTTP 429 from the miner. */
      @JsonProperty("rate_limited") RATE_LIMITED,
      /** Any other error, a timeout, a stream past its deadline, a bad answer. */
      @JsonProperty("failed") FAILED,
      /** The user left before the end of a stream; scored by the miner's rate (section 3). */
      @JsonProperty("abandoned") ABANDONED
    }

    /** An outcome of a task without a circuit. */
    public RequestOutcome(long at, long assignedAt, long period, String miner, String task,
        String answerId, Outcome outcome, long estimate, long units, double seconds,
        boolean synthetic, Double checkProbability) {
      this(at, assignedAt, period, miner, task, answerId, outcome, estimate, units, seconds,
          synthetic, checkProbability, null);
    }

    public RequestOutcome {
      Objects.requireNonNull(miner, "miner");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(answerId, "answerId");
      Objects.requireNonNull(outcome, "outcome");
      if (units < 0 || estimate < 0 || !Double.isFinite(seconds) || seconds < 0) {
        throw new IllegalArgumentException("units and estimate must be >= 0 and seconds finite"
            + " and >= 0, were " + units + ", " + estimate + " and " + seconds + " (miner "
            + miner + ", answer " + answerId + ")");
      }
      if (checkProbability != null && !(checkProbability > 0 && checkProbability <= 1)) {
        throw new IllegalArgumentException("check_p must be in (0, 1], was " + checkProbability
            + " (miner " + miner + ", answer " + answerId + ")");
      }
    }

    @Override
    public String type() {
      return REQUEST_OUTCOME;
    }
  }

  /**
   * Window work that was never done by a request (SCORING.md section 2): synthetic requests
   * that could not be sent before the window ended ({@code rate_limited}), or the rest of a
   * window stopped after too many failures in a row ({@code failed}). Counted in the period's
   * and the window's sums like requests of that outcome.
   *
   * @param units the work units not asked, counted as {@code e}
   * @param reason why, for people reading the log
   */
  record TestShortfall(
      @JsonProperty("at") long at,
      @JsonProperty("period") long period,
      @JsonProperty("miner") String miner,
      @JsonProperty("task") String task,
      @JsonProperty("units") long units,
      @JsonProperty("outcome") RequestOutcome.Outcome outcome,
      @JsonProperty("reason") String reason) implements ScoringEvent {

    public TestShortfall {
      Objects.requireNonNull(miner, "miner");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(reason, "reason");
      if (units < 0 || (outcome != RequestOutcome.Outcome.RATE_LIMITED
          && outcome != RequestOutcome.Outcome.FAILED)) {
        throw new IllegalArgumentException("a shortfall is >= 0 units, rate_limited or failed;"
            + " was " + units + " " + outcome + " (miner " + miner + ", task " + task + ")");
      }
    }

    @Override
    public String type() {
      return TEST_SHORTFALL;
    }
  }

  /**
   * The checking server's verdict on one answer (SCORING.md section 4).
   *
   * @param quality the raw {@code q}; may lie outside {@code [0, 1]} (a detected lie is
   *     negative) and is clamped only when scored
   */
  record QualityChecked(
      @JsonProperty("at") long at,
      @JsonProperty("miner") String miner,
      @JsonProperty("task") String task,
      @JsonProperty("answer_id") String answerId,
      @JsonProperty("quality") double quality) implements ScoringEvent {

    public QualityChecked {
      Objects.requireNonNull(miner, "miner");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(answerId, "answerId");
      if (!Double.isFinite(quality)) {
        throw new IllegalArgumentException("quality must be finite, was " + quality
            + " (miner " + miner + ", answer " + answerId + ")");
      }
    }

    @Override
    public String type() {
      return QUALITY_CHECKED;
    }
  }

  /**
   * An answer queued for checking got no verdict (SCORING.md section 4): none came within
   * {@code checking.verdict_timeout}, or it was dead-lettered.
   *
   * @param cause {@code service} when the task had no verdict at all within the preceding
   *     timeout (the checking service was away: the answer is left out), else {@code answer}
   *     (it scores {@code q = 0})
   */
  record CheckFailed(
      @JsonProperty("at") long at,
      @JsonProperty("miner") String miner,
      @JsonProperty("task") String task,
      @JsonProperty("answer_id") String answerId,
      @JsonProperty("cause") Cause cause) implements ScoringEvent {

    /** Whose fault the missing verdict was. */
    public enum Cause {
      @JsonProperty("service") SERVICE,
      @JsonProperty("answer") ANSWER
    }

    public CheckFailed {
      Objects.requireNonNull(miner, "miner");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(answerId, "answerId");
      Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String type() {
      return CHECK_FAILED;
    }
  }

  /**
   * The validator set the task weights (SCORING.md section 6). The map is copied, sorted by task id.
   *
   * @param weights task id to its share of the final weights; each finite and {@code >= 0}
   * @param source who changed them: {@code "config"}, {@code "api:<admin key name>"}, {@code
   *     "file"}
   */
  record TaskWeightsChanged(
      @JsonProperty("at") long at,
      @JsonProperty("weights") Map<String, Double> weights,
      @JsonProperty("source") String source) implements ScoringEvent {

    public TaskWeightsChanged {
      Objects.requireNonNull(source, "source");
      weights = Collections.unmodifiableSortedMap(new TreeMap<>(weights));
      weights.forEach((task, weight) -> {
        if (weight == null || !Double.isFinite(weight) || weight < 0) {
          throw new IllegalArgumentException("task weight must be finite and >= 0, was " + weight
              + " for task " + task + " (source " + source + ")");
        }
      });
    }

    @Override
    public String type() {
      return TASK_WEIGHTS_CHANGED;
    }
  }

  /**
   * The chain uids of the miners, by hotkey, in force from {@code at} on (the whole map each
   * time). Weights are computed by hotkey; the uids travel with them to the chain.
   */
  record UidsChanged(
      @JsonProperty("at") long at,
      @JsonProperty("uids") Map<String, Integer> uids) implements ScoringEvent {

    public UidsChanged {
      uids = Collections.unmodifiableSortedMap(new TreeMap<>(uids));
      uids.forEach((hotkey, uid) -> {
        if (uid == null || uid < 0 || uid > 65535) {
          throw new IllegalArgumentException("uid of " + hotkey + " must be 0 to 65535, was "
              + uid);
        }
      });
    }

    @Override
    public String type() {
      return UIDS;
    }
  }
}
