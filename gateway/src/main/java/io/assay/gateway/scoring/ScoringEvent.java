package io.assay.gateway.scoring;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A recorded fact that the weights are computed from. The log of these events, in recorded
 * order, is the whole input of {@link WeightCalculator}; nothing else (no clock, no live state)
 * enters the computation.
 *
 * <p>On the wire an event is one JSON object with a {@code "type"} discriminator (the value of
 * {@link #type()}) and snake_case fields, so a JSON-lines file of mixed events reads back equal
 * to what was written, doubles included (see {@link EventLog}). The constructors reject values
 * that no correct recorder produces (null strings, negative volumes, non-finite numbers).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ScoringEvent.CapacityDeclared.class,
        name = ScoringEvent.CAPACITY_DECLARED),
    @JsonSubTypes.Type(value = ScoringEvent.RequestOutcome.class,
        name = ScoringEvent.REQUEST_OUTCOME),
    @JsonSubTypes.Type(value = ScoringEvent.QualityChecked.class,
        name = ScoringEvent.QUALITY_CHECKED),
    @JsonSubTypes.Type(value = ScoringEvent.TaskWeightsChanged.class,
        name = ScoringEvent.TASK_WEIGHTS_CHANGED)})
public sealed interface ScoringEvent {

  String CAPACITY_DECLARED = "capacity_declared";
  String REQUEST_OUTCOME = "request_outcome";
  String QUALITY_CHECKED = "quality_checked";
  String TASK_WEIGHTS_CHANGED = "task_weights_changed";

  /** The JSON discriminator of this event, one of the constants above. */
  @JsonIgnore
  String type();

  /**
   * What a miner declared at the start of a period for one task (SCORING.md section 1).
   *
   * @param period the scoring period ({@link ScoringParams#periodOf})
   * @param declared work units for the period, already clamped to {@code [0, max_capacity]}
   */
  record CapacityDeclared(
      @JsonProperty("period") long period,
      @JsonProperty("miner") String miner,
      @JsonProperty("task") String task,
      @JsonProperty("declared") long declared) implements ScoringEvent {

    public CapacityDeclared {
      Objects.requireNonNull(miner, "miner");
      Objects.requireNonNull(task, "task");
      if (declared < 0) {
        throw new IllegalArgumentException("declared capacity must be >= 0, was " + declared
            + " (miner " + miner + ", task " + task + ")");
      }
    }

    @Override
    public String type() {
      return CAPACITY_DECLARED;
    }
  }

  /**
   * How one request to a miner ended (SCORING.md section 3), organic or synthetic.
   *
   * @param at epoch millis when the outcome was known
   * @param period the scoring period the request belongs to
   * @param answerId joins the answer to its {@link QualityChecked}
   * @param units work done; only counted for {@link Outcome#SUCCESS}
   * @param seconds from sending the request to the last byte of the answer
   * @param synthetic whether the validator made the request up to test the miner
   */
  record RequestOutcome(
      @JsonProperty("at") long at,
      @JsonProperty("period") long period,
      @JsonProperty("miner") String miner,
      @JsonProperty("task") String task,
      @JsonProperty("answer_id") String answerId,
      @JsonProperty("outcome") Outcome outcome,
      @JsonProperty("units") long units,
      @JsonProperty("seconds") double seconds,
      @JsonProperty("synthetic") boolean synthetic) implements ScoringEvent {

    /** How a request ended. */
    public enum Outcome {
      @JsonProperty("success") SUCCESS,
      /** HTTP 429 from the miner. */
      @JsonProperty("rate_limited") RATE_LIMITED,
      /** Any other error, a timeout, a malformed or unverifiable answer. */
      @JsonProperty("failed") FAILED
    }

    public RequestOutcome {
      Objects.requireNonNull(miner, "miner");
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(answerId, "answerId");
      Objects.requireNonNull(outcome, "outcome");
      if (units < 0 || !Double.isFinite(seconds) || seconds < 0) {
        throw new IllegalArgumentException("units must be >= 0 and seconds finite and >= 0, were "
            + units + " and " + seconds + " (miner " + miner + ", answer " + answerId + ")");
      }
    }

    @Override
    public String type() {
      return REQUEST_OUTCOME;
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
}
