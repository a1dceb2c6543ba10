package io.assay.task;

import java.util.List;

/**
 * Relays one streamed answer from a miner to a user: reads each chunk the miner sends, checks it,
 * and says what to send on, in the public API's shape (with the gateway's completion id, fields
 * the user did not ask for removed). At the end it yields the whole answer, for usage, scoring
 * and checking.
 *
 * <p>One instance per user request, used from one thread at a time. Methods throw {@link
 * InvalidAnswerException} when the miner's stream is malformed.
 */
public interface StreamRelay {

  /** Reads one miner chunk; returns the public chunks to send for it (possibly none). */
  List<byte[]> accept(byte[] minerChunk);

  /**
   * The miner's stream ended normally: returns the last public chunks (a usage chunk, say).
   *
   * @throws InvalidAnswerException if the stream ended before a complete answer
   */
  List<byte[]> finish();

  /**
   * Work units streamed so far (output tokens for llm), as the task counts them; -1 when the
   * kind cannot tell before the end. The gateway cuts a stream that falls behind {@code
   * stream.min_rate} by this count.
   */
  default long unitsSoFar() {
    return -1;
  }

  /** The whole answer as streamed; valid after {@link #finish()}. */
  TaskAnswer answer();
}
