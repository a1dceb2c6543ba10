package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException.Outcome;
import io.assay.gateway.miner.MinerStream;
import io.assay.task.InvalidAnswerException;
import io.assay.task.StreamRelay;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.util.List;
import java.util.function.Consumer;

/**
 * A streamed answer under way: the miner's stream (paused), the relay that turns its chunks into
 * the user's, and the public chunks its first chunk produced. Routing owns it: whoever relays it
 * hands each miner chunk to {@link #relay} and ends it with exactly one of {@link #finish},
 * {@link #failed} or {@link #abandoned}, which settles the miner's capacity and records the
 * outcome. A stream that falls behind its deadline ({@link StreamWatch}) is cut: the miner's
 * stream is cancelled, the attempt fails, and the cut handler tells the relaying side.
 *
 * <p>Used on the context that opened it.
 */
public final class ActiveStream {

  private final Dispatcher.Attempt attempt;
  private final MinerStream stream;
  private final StreamRelay relay;
  private final List<byte[]> firstChunks;
  private final StreamWatch.Entry watch;
  private final java.time.Clock clock;
  private Consumer<Cut> cutHandler = cut -> { };
  private boolean settled;

  /**
   * Why a stream was cut, for the user.
   *
   * @param reader true when the user read too slowly (the miner kept pace), false when the
   *     miner fell behind
   */
  public record Cut(String message, boolean reader) {}

  ActiveStream(Dispatcher.Attempt attempt, MinerStream stream, StreamRelay relay,
      List<byte[]> firstChunks, StreamWatch.Entry watch, java.time.Clock clock) {
    this.attempt = attempt;
    this.stream = stream;
    this.relay = relay;
    this.firstChunks = firstChunks;
    this.watch = watch;
    this.clock = clock;
    watch.onCut(this::cut);
    watch.onReaderCut(this::readerCut);
  }

  public MinerNode miner() {
    return attempt.node();
  }

  public Task task() {
    return attempt.task();
  }

  public TaskRequest request() {
    return attempt.request();
  }

  public MinerStream stream() {
    return stream;
  }

  /** What to send the user first: the public chunks made from the miner's first chunk. */
  public List<byte[]> firstChunks() {
    return firstChunks;
  }

  /** Told, with the reason, when the stream is cut by its deadline; it is already settled. */
  public void cutHandler(Consumer<Cut> handler) {
    this.cutHandler = handler;
  }

  /**
   * The user cannot take more now: stop reading the miner until {@link #release}. The time held
   * is not counted against the miner; a user who holds past the stream's total deadline is cut.
   */
  public void hold() {
    watch.hold(clock.millis());
    stream.pause();
  }

  /** The user can take more: read the miner again. */
  public void release() {
    watch.release(clock.millis());
    stream.resume();
  }

  /**
   * Reads one miner chunk; returns the public chunks to send for it.
   *
   * @throws InvalidAnswerException when the chunk is malformed (the caller then fails the stream)
   */
  public List<byte[]> relay(byte[] minerChunk) {
    List<byte[]> out = relay.accept(minerChunk);
    watch.progress(relay.unitsSoFar());
    return out;
  }

  /**
   * The miner's stream ended: returns the last public chunks and settles the attempt as a
   * success.
   *
   * @throws InvalidAnswerException when the stream ended before a complete answer (the caller
   *     then fails it)
   */
  public List<byte[]> finish() {
    attempt.answered(stream.receipt(), stream.signedAt());
    List<byte[]> last = relay.finish();
    TaskAnswer answer = relay.answer();
    if (!settled) {
      settled = true;
      watch.close();
      attempt.succeeded(answer, attempt.task().units(attempt.request(), answer));
    }
    return last;
  }

  /** The whole answer; valid after {@link #finish}. */
  public TaskAnswer answer() {
    return relay.answer();
  }

  /** The miner broke the stream after it began. */
  public void failed(Outcome outcome, String message) {
    if (!settled) {
      settled = true;
      watch.close();
      attempt.failed(outcome, 0, message);
    }
  }

  /** The user went away: the work done so far is scored by the miner's rate (section 3). */
  public void abandoned() {
    if (!settled) {
      settled = true;
      watch.close();
      stream.cancel();
      attempt.abandoned(Math.max(0, relay.unitsSoFar()));
    }
  }

  private void cut() {
    if (!settled) {
      String message = "miner " + miner().name() + "'s stream fell behind its deadline ("
          + Math.max(0, relay.unitsSoFar()) + " units after " + attempt.elapsedMillis() + " ms)";
      stream.cancel();
      failed(Outcome.TIMEOUT, message);
      cutHandler.accept(new Cut(message, false));
    }
  }

  /** The user held the stream past its deadline: abandoned, as if the user had left. */
  private void readerCut() {
    if (!settled) {
      abandoned();
      cutHandler.accept(new Cut("the client read the stream too slowly to finish by its"
          + " deadline (" + attempt.elapsedMillis() + " ms)", true));
    }
  }
}
