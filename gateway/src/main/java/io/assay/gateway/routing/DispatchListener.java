package io.assay.gateway.routing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told of every attempt to get an answer from a miner, once it settled; where work, failures,
 * checks and scoring events are recorded. Called on an event loop: implementations must not
 * block.
 */
public interface DispatchListener {

  void settled(Settlement settlement);

  /**
   * Tells every listener in turn. One that throws is logged and the others still hear: a
   * broken listener must not keep an attempt from being recorded elsewhere.
   */
  static DispatchListener all(DispatchListener... listeners) {
    Logger log = LoggerFactory.getLogger(DispatchListener.class);
    return settlement -> {
      for (DispatchListener l : listeners) {
        try {
          l.settled(settlement);
        } catch (RuntimeException e) {
          log.error("{} failed on an attempt of miner {} (request {})",
              l.getClass().getSimpleName(), settlement.miner().name(),
              settlement.requestId() == null ? "synthetic" : settlement.requestId(), e);
        }
      }
    };
  }
}
