package io.assay.task;

import java.util.List;

/**
 * How an answer reached the user, for responses that show more than the answer itself: where
 * files handed out by URL go, which miners served it and how long it took.
 *
 * @param files where a response puts files the user fetches by URL
 * @param miners the names of the miners that served the answer (several for a split request)
 * @param millis time from the first dispatch to the last answer
 */
public record Delivery(FilePublisher files, List<String> miners, long millis) {

  public Delivery {
    miners = List.copyOf(miners);
  }

  /** Nothing published, no miner named: for callers outside the gateway. */
  public static Delivery none() {
    return new Delivery(FilePublisher.NONE, List.of(), 0);
  }
}
