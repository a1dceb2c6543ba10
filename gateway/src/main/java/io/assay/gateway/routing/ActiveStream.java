package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException.Outcome;
import io.assay.gateway.miner.MinerStream;
import io.assay.task.StreamRelay;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;
import java.util.List;

/**
 * A streamed answer under way: the miner's stream (paused), the relay that turns its chunks into
 * the user's, and the public chunks its first chunk produced. Whoever relays it must end it with
 * exactly one of {@link #succeeded}, {@link #failed} or {@link #abandoned}, which settles the
 * miner's capacity and records the outcome.
 */
public final class ActiveStream {

  private final Dispatcher dispatcher;
  private final Task task;
  private final TaskRequest request;
  private final MinerNode miner;
  private final MinerNode.TaskCapacity capacity;
  private final long reserved;
  private final long startedNanos;
  private final MinerStream stream;
  private final StreamRelay relay;
  private final List<byte[]> firstChunks;
  private final Origin origin;
  private boolean settled;

  ActiveStream(Dispatcher dispatcher, Task task, TaskRequest request, MinerNode miner,
      MinerNode.TaskCapacity capacity, long reserved, long startedNanos, MinerStream stream,
      StreamRelay relay, List<byte[]> firstChunks, Origin origin) {
    this.dispatcher = dispatcher;
    this.task = task;
    this.request = request;
    this.miner = miner;
    this.capacity = capacity;
    this.reserved = reserved;
    this.startedNanos = startedNanos;
    this.stream = stream;
    this.relay = relay;
    this.firstChunks = firstChunks;
    this.origin = origin;
  }

  public MinerNode miner() {
    return miner;
  }

  public Task task() {
    return task;
  }

  public TaskRequest request() {
    return request;
  }

  public MinerStream stream() {
    return stream;
  }

  public StreamRelay relay() {
    return relay;
  }

  /** What to send the user first: the public chunks made from the miner's first chunk. */
  public List<byte[]> firstChunks() {
    return firstChunks;
  }

  /** The stream ended well with {@code answer}, {@code units} of work. */
  public void succeeded(TaskAnswer answer, long units) {
    if (!settled) {
      settled = true;
      dispatcher.settleSuccess(miner, task, capacity, reserved, units, elapsedMillis(), request,
          answer, stream.receipt(), origin);
    }
  }

  /** The miner broke the stream after it began. */
  public void failed(Outcome outcome, String message) {
    if (!settled) {
      settled = true;
      dispatcher.settleFailure(miner, task, capacity, reserved, startedNanos, outcome, 0,
          message, origin);
    }
  }

  /** The user went away: not the miner's fault; the work done so far counts. */
  public void abandoned(long unitsSoFar) {
    if (!settled) {
      settled = true;
      stream.cancel();
      dispatcher.settleSuccess(miner, task, capacity, reserved, unitsSoFar, elapsedMillis(),
          request, null, null, origin);
    }
  }

  private long elapsedMillis() {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}
