package io.assay.task;

/** A parsed, validated request of some task kind. Implementations are immutable records. */
public interface TaskRequest {

  /** The path it arrived on (and is forwarded to), e.g. {@code /v1/embeddings}. */
  String path();

  /** The model id the user asked for, as listed by {@code GET /v1/models}. */
  String model();

  /** Whether the answer is to be streamed as server-sent events. */
  default boolean stream() {
    return false;
  }
}
