package io.assay.task;

/**
 * Receives a streamed answer's chunks in order, each the JSON payload of one server-sent event
 * (without the {@code data: } prefix). May be called from any thread, one call at a time
 * ({@link #chunk} and {@link #keepAlive} alike); {@link #open} may be asked from any thread at
 * any time.
 */
public interface ChunkSink {

  void chunk(byte[] json);

  /**
   * Sends an SSE comment that carries no work (a keep-alive), in order with the chunks: what a
   * stalling miner sends to keep a connection open without making progress. Receivers that have
   * no comments ignore it (the default).
   */
  default void keepAlive() {}

  /**
   * Whether the receiver is still there: false once it is gone (the connection closed or the
   * answer ended), after which chunks are dropped. A backend that streams for long may stop
   * early when it turns false. True by default.
   */
  default boolean open() {
    return true;
  }
}
