package io.assay.task;

import java.util.Objects;

/**
 * A configured task: a kind, the model it serves and its limits.
 *
 * @param kind the task kind's name, e.g. {@code embeddings}
 * @param model the public model id, e.g. {@code all-MiniLM-L6-v2}
 * @param maxCapacity the most work units a miner may declare for one scoring period
 * @param unitsPerRequest typical work units of one request, used to size synthetic traffic
 */
public record TaskSpec(String kind, String model, long maxCapacity, long unitsPerRequest) {

  public TaskSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(model, "model");
    if (maxCapacity < 0) {
      throw new IllegalArgumentException("maxCapacity must be >= 0, was " + maxCapacity);
    }
    if (unitsPerRequest < 1) {
      throw new IllegalArgumentException("unitsPerRequest must be >= 1, was " + unitsPerRequest);
    }
  }

  /** {@code kind/model}, the id under which scores, capacity and weights are kept. */
  public String id() {
    return kind + "/" + model;
  }
}
