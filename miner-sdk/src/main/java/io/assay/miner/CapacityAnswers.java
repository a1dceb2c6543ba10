package io.assay.miner;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a miner answers to {@code GET /capacity}: the honest declaration (each offer's declared
 * volume, which an overclaiming offer sets above the capacity its ledger enforces, what it has
 * consumed and its concurrency), passed through the miner's {@link DeclarationPolicy} with the
 * poll's place in its period.
 *
 * <p>Polls are counted per period (periods aligned to the epoch, as the ledgers and the gateway
 * count them); the count restarts at each period's first poll. Thread-safe: polls are counted
 * under a lock, so concurrent polls get distinct indexes.
 */
final class CapacityAnswers {

  private final String hotkey;
  private final Map<String, ServedTask> tasks;
  private final long periodMillis;
  private final Duration periodLength;
  private final Clock clock;
  private final DeclarationPolicy policy;
  private long period = Long.MIN_VALUE;
  private long polls;

  /**
   * @param hotkey the miner's hotkey, as declarations name it
   * @param tasks by task id, in the order declarations list them; not copied (the miner's own)
   */
  CapacityAnswers(String hotkey, Map<String, ServedTask> tasks, Duration periodLength,
      Clock clock, DeclarationPolicy policy) {
    this.hotkey = hotkey;
    this.tasks = tasks;
    this.periodLength = periodLength;
    this.periodMillis = periodLength.toMillis();
    this.clock = clock;
    this.policy = policy;
  }

  /** The declaration to send for a poll now, or null to answer 503. */
  CapacityDeclaration answer() {
    long now = clock.millis();
    long current = now / periodMillis;
    long index;
    synchronized (this) {
      if (current != period) {
        period = current;
        polls = 0;
      }
      index = polls++;
    }
    DeclarationPolicy.Poll poll = new DeclarationPolicy.Poll(current, index,
        Duration.ofMillis(now % periodMillis), periodLength);
    return policy.declare(honest(current), poll);
  }

  /** What an honest miner declares in {@code period}. */
  CapacityDeclaration honest(long period) {
    Map<String, CapacityDeclaration.TaskCapacity> out = new LinkedHashMap<>();
    for (Map.Entry<String, ServedTask> e : tasks.entrySet()) {
      ServedTask t = e.getValue();
      TaskOffer offer = t.offer();
      out.put(e.getKey(), new CapacityDeclaration.TaskCapacity(offer.kind().name(),
          offer.spec().model(), offer.kind().workUnit().name(), offer.declaredPerPeriod(),
          t.ledger().consumed(), t.ledger().maxConcurrency()));
    }
    return new CapacityDeclaration(hotkey, period, periodLength.toSeconds(), out);
  }
}
