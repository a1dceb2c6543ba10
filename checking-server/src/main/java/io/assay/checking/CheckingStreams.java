package io.assay.checking;

/**
 * The Redis keys shared by the gateway and the checking servers: the contract between them.
 *
 * <p>The gateway appends answers to {@link #QUEUE}; checking servers read it through the consumer
 * group {@link #GROUP}, and for every answer append one {@code quality_checked} event to {@link
 * #EVENTS} and mark it in {@link #CHECKED}, both in one script, so each answer is scored exactly
 * once however many servers run and whichever of them crash. Entries that cannot be checked go to
 * {@link #DEAD}, never to scoring.
 */
public final class CheckingStreams {

  /** Stream of answers to check; fields {@code answer_id, miner, task, path, request, answer,
   * synthetic, at}. */
  public static final String QUEUE = "assay:checks";

  /** Consumer group every checking server reads {@link #QUEUE} through. */
  public static final String GROUP = "checkers";

  /** Stream of scoring events; one field {@code e}, the event's JSON. */
  public static final String EVENTS = "assay:events";

  /** Hash of answers already scored: answer id to quality. */
  public static final String CHECKED = "assay:checked";

  /** Stream of queue entries that were not checked, with the reason; capped. */
  public static final String DEAD = "assay:checks:dead";

  private CheckingStreams() {}
}
