package io.assay.gateway.api;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.routing.ActiveStream;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Sse;
import io.assay.task.TaskAnswer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Writes a streamed answer to the user as server-sent events; routing ({@link ActiveStream})
 * relays and settles it.
 *
 * <p>The user's write queue applies backpressure to the miner: routing holds the miner's stream
 * while the queue is full ({@link ActiveStream#hold}) and releases it when the queue drains.
 * The stream always ends: with {@code data: [DONE]} after a complete answer, or with a {@code
 * data:} event holding an OpenAI error object when the miner fails mid-way, falls behind its
 * deadline, or the user reads too slowly to finish by it; never by silent truncation. If the user goes away, the miner's stream is
 * cancelled and the attempt settles as abandoned.
 */
final class StreamForwarder {

  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerResponse response;
  private final ActiveStream active;
  private final BiConsumer<TaskAnswer, Long> onServed;
  private final Vertx vertx;
  private boolean ended;
  /** The timer that looks at a held stream's write queue, or -1 while the stream flows. */
  private long heldCheck = -1;

  private static final long HELD_CHECK_MILLIS = 250;

  StreamForwarder(HttpServerResponse response, ActiveStream active,
      BiConsumer<TaskAnswer, Long> onServed) {
    this.response = response;
    this.active = active;
    this.onServed = onServed;
    this.vertx = Vertx.currentContext().owner();
  }

  void start() {
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader(TaskEndpoint.MINER_HEADER, active.miner().name());
    response.closeHandler(v -> {
      if (!ended) {
        ended = true;
        release();
        active.abandoned();
      }
    });
    active.cutHandler(cut -> endWithError(cut.reader()));
    write(active.firstChunks());
    active.stream()
        .handler(this::chunk)
        .endHandler(v -> finish())
        .exceptionHandler(e -> fail(e instanceof MinerCallException m ? m.outcome()
            : MinerCallException.Outcome.ERROR, e.getMessage()));
    active.release();
  }

  private void chunk(byte[] minerChunk) {
    if (ended) {
      return;
    }
    try {
      write(active.relay(minerChunk));
    } catch (InvalidAnswerException e) {
      active.stream().cancel();
      fail(MinerCallException.Outcome.BAD_ANSWER, e.getMessage());
      return;
    }
    if (response.writeQueueFull() && heldCheck < 0) {
      active.hold();
      response.drainHandler(v -> release());
      // Also looked at on a timer: a drain notice that never came must not hold the stream for
      // good (and a user who never reads is cut by the stream's deadline, see StreamWatch).
      heldCheck = vertx.setPeriodic(HELD_CHECK_MILLIS, id -> {
        if (ended || !response.writeQueueFull()) {
          release();
        }
      });
    }
  }

  /** The user's queue has room again: read the miner again. */
  private void release() {
    if (heldCheck >= 0) {
      vertx.cancelTimer(heldCheck);
      heldCheck = -1;
      response.drainHandler(null);
      if (!ended) {
        active.release();
      }
    }
  }

  private void finish() {
    if (ended) {
      return;
    }
    List<byte[]> last;
    try {
      last = active.finish();
    } catch (InvalidAnswerException e) {
      fail(MinerCallException.Outcome.BAD_ANSWER, e.getMessage());
      return;
    }
    write(last);
    ended = true;
    release();
    response.end(Buffer.buffer(DONE));
    TaskAnswer answer = active.answer();
    onServed.accept(answer, active.task().units(active.request(), answer));
  }

  private void fail(MinerCallException.Outcome outcome, String message) {
    if (ended) {
      return;
    }
    active.failed(outcome, message);
    endWithError(false);
  }

  /** @param reader the user read too slowly, rather than the miner failing */
  private void endWithError(boolean reader) {
    if (ended) {
      return;
    }
    ended = true;
    release();
    OpenAiError error = new OpenAiError(502, reader
        ? "This stream was read too slowly to finish within its deadline; the answer is"
            + " incomplete. Read streams as they arrive, or ask without stream."
        : "The miner serving this request failed after the answer began; the answer is"
            + " incomplete. Retry the request.", "server_error", null, "stream_interrupted", 0);
    response.end(Buffer.buffer(Sse.dataEvent(error.toJson())));
  }

  private void write(List<byte[]> chunks) {
    for (byte[] chunk : chunks) {
      response.write(Buffer.buffer(Sse.dataEvent(chunk)));
    }
  }
}
