package io.assay.gateway.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One weight computation as kept in history: when it ran, the last scoring event it saw (its
 * stream id), the task weights it used and what came out. With the event log up to {@code upto}
 * anyone can recompute it bit for bit.
 */
public record Computation(
    @JsonProperty("computed_at") long computedAt,
    @JsonProperty("upto") String upto,
    @JsonProperty("task_weights") Map<String, Double> taskWeights,
    @JsonProperty("weights") Map<String, Double> weights,
    @JsonProperty("weights_u16") Map<String, Integer> weightsU16) {}
