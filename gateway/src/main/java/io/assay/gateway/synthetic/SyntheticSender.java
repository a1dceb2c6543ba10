package io.assay.gateway.synthetic;

import io.assay.gateway.miner.MinerCallException;
import io.assay.gateway.routing.ActiveStream;
import io.assay.gateway.routing.Dispatcher;
import io.assay.gateway.routing.MinerNode;
import io.assay.gateway.routing.NotSentException;
import io.assay.task.InvalidAnswerException;
import io.assay.task.InvalidRequestException;
import io.assay.task.Task;
import io.assay.task.TaskRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one synthetic request to the miner under test, exactly as a user's would reach it: drawn
 * by the {@link SyntheticSource}, split as a user's request is (seeds, nonces, one picture a
 * part), through the same dispatcher, path, headers and body encoding, and a stream read to its
 * end as a user would. Pinned to the miner: it is that miner's test.
 */
public final class SyntheticSender implements TestWindows.WindowSender {

  private static final Logger log = LoggerFactory.getLogger(SyntheticSender.class);

  private final Dispatcher dispatcher;
  private final SyntheticSource source;
  private final RandomGenerator random;

  public SyntheticSender(Dispatcher dispatcher, SyntheticSource source, RandomGenerator random) {
    this.dispatcher = dispatcher;
    this.source = source;
    this.random = random;
  }

  /**
   * Sends one synthetic request of {@code task} to {@code miner}.
   *
   * @return whether it went, or why not; the window's pacing tries again later
   */
  @Override
  public TestWindows.Sent send(MinerNode miner, Task task, long room, Runnable ended) {
    List<TaskRequest> parts;
    try {
      parts = task.split(source.next(task, random, room).request());
    } catch (InvalidRequestException e) {
      log.warn("a synthetic request of {} was invalid: {}", task.spec().id(), e.getMessage());
      return TestWindows.Sent.NOT_MADE;
    }
    TestWindows.Sent result = TestWindows.Sent.NO_ROOM;
    List<Future<?>> going = new java.util.ArrayList<>(parts.size());
    for (TaskRequest part : parts) {
      long units = task.estimateUnits(part);
      Future<?> done = part.stream()
          ? dispatcher.openStreamTo(miner, task, part, units).compose(this::drain)
          : dispatcher.dispatchTo(miner, task, part, units);
      if (done.failed() && done.cause() instanceof NotSentException) {
        break;
      }
      going.add(done);
      result = TestWindows.Sent.SENT;
    }
    if (!going.isEmpty()) {
      Future.join(going).onComplete(all -> ended.run());
    }
    return result;
  }

  /** Reads a synthetic stream to its end, as a user would. */
  private Future<Void> drain(ActiveStream active) {
    Promise<Void> result = Promise.promise();
    active.cutHandler(cut -> result.tryFail(cut.message()));
    active.stream()
        .handler(chunk -> {
          try {
            active.relay(chunk);
          } catch (InvalidAnswerException e) {
            active.stream().cancel();
            active.failed(MinerCallException.Outcome.BAD_ANSWER, e.getMessage());
            result.tryFail(e);
          }
        })
        .endHandler(v -> {
          try {
            active.finish();
            result.tryComplete();
          } catch (InvalidAnswerException e) {
            active.failed(MinerCallException.Outcome.BAD_ANSWER, e.getMessage());
            result.tryFail(e);
          }
        })
        .exceptionHandler(e -> {
          active.failed(e instanceof MinerCallException m ? m.outcome()
              : MinerCallException.Outcome.ERROR, e.getMessage());
          result.tryFail(e);
        });
    active.stream().resume();
    return result.future();
  }
}
