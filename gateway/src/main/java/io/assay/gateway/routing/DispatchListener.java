package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException;
import io.assay.task.Task;

/**
 * Told of every attempt to get an answer from a miner; where work, failures and scoring events
 * are recorded. Called on an event loop: implementations must not block.
 */
public interface DispatchListener {

  /**
   * @param answerId identifies the answer (its receipt), or null when it was abandoned
   */
  void attemptSucceeded(MinerNode miner, Task task, Origin origin, String answerId, long units,
      long millis);

  void attemptFailed(MinerNode miner, Task task, Origin origin,
      MinerCallException.Outcome outcome, long millis, String message);
}
