package io.assay.task;

/**
 * Receives a streamed answer's chunks in order, each the JSON payload of one server-sent event
 * (without the {@code data: } prefix). May be called from any thread, one call at a time.
 */
public interface ChunkSink {

  void chunk(byte[] json);
}
