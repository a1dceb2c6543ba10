package io.assay.gateway.routing;

import io.assay.gateway.miner.MinerCallException;
import io.assay.task.Task;

/**
 * Told of every attempt to get an answer from a miner; where work, failures and metrics are
 * recorded. Called on an event loop: implementations must not block.
 */
public interface DispatchListener {

  void attemptSucceeded(MinerNode miner, Task task, long units, long millis);

  void attemptFailed(MinerNode miner, Task task, MinerCallException.Outcome outcome, long millis,
      String message);
}
