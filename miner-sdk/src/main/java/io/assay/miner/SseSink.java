package io.assay.miner;

import io.assay.task.ChunkSink;
import io.assay.task.Sse;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A streamed answer on its way to the validator as server-sent events: one {@code data:} event
 * per chunk, {@code : keep-alive} comments, then the receipt over every byte streamed before it
 * ({@code event: receipt}) and {@code data: [DONE]}.
 *
 * <p>The status line goes out with the first bytes streamed (a chunk, or a keep-alive, which
 * needs it as much), so a backend that fails before sending anything still gets a plain error
 * answer; {@link #started()} says which case applies. Every byte written before the receipt,
 * keep-alives included, goes into the digest the receipt signs.
 *
 * <p>{@link #chunk} and {@link #keepAlive} may be called from any thread (one call at a time, the
 * {@link ChunkSink} contract): they hop onto the response's context, in order. {@link #open()}
 * may be asked from any thread. Every other method runs on the context.
 */
final class SseSink implements ChunkSink {

  private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerResponse response;
  private final Context context;
  private final MessageDigest digest = sha256();
  private boolean started;
  private volatile boolean gone;

  /** Must be made on {@code context}, the response's. */
  SseSink(HttpServerResponse response, Context context) {
    this.response = response;
    this.context = context;
    response.closeHandler(v -> gone = true);
  }

  Context context() {
    return context;
  }

  @Override
  public void chunk(byte[] json) {
    context.runOnContext(v -> write(Sse.dataEvent(json)));
  }

  @Override
  public void keepAlive() {
    context.runOnContext(v -> write(KEEP_ALIVE));
  }

  /** False once the response is closed or ended: nothing more reaches the validator. */
  @Override
  public boolean open() {
    return !gone;
  }

  /** Whether the status line has gone out (on the context). */
  boolean started() {
    return started;
  }

  /** The digest of every byte streamed so far; call once, when the answer is complete. */
  byte[] digest() {
    return digest.digest();
  }

  /** Ends the stream with the receipt and {@code [DONE]}. */
  void endWithReceipt(String receipt) {
    if (stillOpen()) {
      response.write(Buffer.buffer("event: receipt\ndata: " + receipt + "\n\n"));
      end(Buffer.buffer("data: [DONE]\n\n"));
    }
  }

  /** Ends a started stream with an error event whose data is {@code errorJson}. */
  void endWithError(byte[] errorJson) {
    if (stillOpen()) {
      end(Buffer.buffer(Sse.dataEvent(errorJson)));
    }
  }

  private void write(byte[] event) {
    if (!stillOpen()) {
      return;
    }
    if (!started) {
      started = true;
      response.setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache");
    }
    digest.update(event);
    response.write(Buffer.buffer(event));
  }

  private void end(Buffer last) {
    gone = true;
    response.end(last);
  }

  private boolean stillOpen() {
    if (response.ended() || response.closed()) {
      gone = true;
    }
    return !gone;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
