package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException;
import io.assay.task.Task;
import io.assay.task.TaskAnswer;
import io.assay.task.TaskRequest;

/**
 * Told of every attempt to get an answer from a miner; where work, failures and scoring events
 * are recorded. Called on an event loop: implementations must not block.
 */
public interface DispatchListener {

  /**
   * @param request what was asked
   * @param answer the validated answer, or null when the user abandoned a stream
   * @param answerId identifies the answer (its receipt), or null when it was abandoned
   */
  void attemptSucceeded(MinerNode miner, Task task, Origin origin, TaskRequest request,
      TaskAnswer answer, String answerId, long units, long millis);

  /** Tells every listener in turn. */
  static DispatchListener all(DispatchListener... listeners) {
    return new DispatchListener() {
      @Override
      public void attemptSucceeded(MinerNode miner, Task task, Origin origin,
          TaskRequest request, TaskAnswer answer, String answerId, long units, long millis) {
        for (DispatchListener l : listeners) {
          l.attemptSucceeded(miner, task, origin, request, answer, answerId, units, millis);
        }
      }

      @Override
      public void attemptFailed(MinerNode miner, Task task, Origin origin,
          MinerCallException.Outcome outcome, long millis, String message) {
        for (DispatchListener l : listeners) {
          l.attemptFailed(miner, task, origin, outcome, millis, message);
        }
      }
    };
  }

  void attemptFailed(MinerNode miner, Task task, Origin origin,
      MinerCallException.Outcome outcome, long millis, String message);
}
