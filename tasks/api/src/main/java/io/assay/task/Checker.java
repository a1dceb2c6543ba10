package io.assay.task;

import java.util.List;

/**
 * Decides how good miners' answers are, for one task: the quality that scoring rewards.
 *
 * <p>Checks run in batches (a model is far cheaper per item in a batch) on the calling thread,
 * which is a checking worker, never an event loop. A checker holds its model for its whole life;
 * one instance per task and process. Thread-safe.
 */
public interface Checker extends AutoCloseable {

  /**
   * Checks answers, all to requests of this checker's task.
   *
   * @return one result per item, in the same order
   */
  List<CheckResult> check(List<CheckItem> items);

  /** How many items make a good batch for this checker. */
  default int preferredBatch() {
    return 32;
  }

  @Override
  default void close() {}

  /** A request and the answer a miner gave to it. */
  record CheckItem(TaskRequest request, TaskAnswer answer) {}

  /**
   * @param quality in [0, 1]; a negative value flags a detected lie (scoring clamps it to 0 but
   *     keeps it in the record)
   * @param reason why, in a few words (for operators)
   */
  record CheckResult(double quality, String reason) {}
}
