package io.assay.gateway.api;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.routing.ActiveStream;
import io.assay.task.InvalidAnswerException;
import io.assay.task.Sse;
import io.assay.task.TaskAnswer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Writes a streamed answer to the user as server-sent events; routing ({@link ActiveStream})
 * relays and settles it.
 *
 * <p>The user's write queue applies backpressure to the miner (pause when full, resume on
 * drain). The stream always ends: with {@code data: [DONE]} after a complete answer, or with a
 * {@code data:} event holding an OpenAI error object when the miner fails mid-way or falls
 * behind its deadline, never by silent truncation. If the user goes away, the miner's stream is
 * cancelled and the attempt settles as abandoned.
 */
final class StreamForwarder {

  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerResponse response;
  private final ActiveStream active;
  private final BiConsumer<TaskAnswer, Long> onServed;
  private boolean ended;

  StreamForwarder(HttpServerResponse response, ActiveStream active,
      BiConsumer<TaskAnswer, Long> onServed) {
    this.response = response;
    this.active = active;
    this.onServed = onServed;
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
        active.abandoned();
      }
    });
    active.cutHandler(message -> endWithError());
    write(active.firstChunks());
    active.stream()
        .handler(this::chunk)
        .endHandler(v -> finish())
        .exceptionHandler(e -> fail(e instanceof MinerCallException m ? m.outcome()
            : MinerCallException.Outcome.ERROR, e.getMessage()));
    active.stream().resume();
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
    if (response.writeQueueFull()) {
      active.stream().pause();
      response.drainHandler(v -> active.stream().resume());
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
    response.end(Buffer.buffer(DONE));
    TaskAnswer answer = active.answer();
    onServed.accept(answer, active.task().units(active.request(), answer));
  }

  private void fail(MinerCallException.Outcome outcome, String message) {
    if (ended) {
      return;
    }
    active.failed(outcome, message);
    endWithError();
  }

  private void endWithError() {
    if (ended) {
      return;
    }
    ended = true;
    OpenAiError error = new OpenAiError(502, "The miner serving this request failed after the"
        + " answer began; the answer is incomplete. Retry the request.", "server_error", null,
        "stream_interrupted", 0);
    response.end(Buffer.buffer(Sse.dataEvent(error.toJson())));
  }

  private void write(List<byte[]> chunks) {
    for (byte[] chunk : chunks) {
      response.write(Buffer.buffer(Sse.dataEvent(chunk)));
    }
  }
}
