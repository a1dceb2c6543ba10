package io.assay.task;

/** A parsed, validated answer to a {@link TaskRequest}. Implementations are immutable records. */
public interface TaskAnswer {

  /** The body exactly as a miner sends it over the wire. */
  byte[] toMinerBody();
}
