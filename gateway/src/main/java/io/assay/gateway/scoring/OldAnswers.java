package io.assay.gateway.scoring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The newest answers that left the quality window, as many as a rule may still reach back for:
 * kept newest first, it drops an answer once {@code limit} newer ones that are answers whatever
 * the parameters (not abandoned streams) are kept, since those always come first. Answers leave
 * the window in roughly time order, so each one is offered newer than most kept. Not
 * thread-safe.
 */
final class OldAnswers {

  private final List<OldAnswer> newestFirst = new ArrayList<>();

  /**
   * Keeps {@code a} if it is among the newest, bounded by {@code limit}.
   *
   * @return whether an answer (this one or a kept one) was dropped
   */
  boolean offer(OldAnswer a, int limit) {
    int i = Collections.binarySearch(newestFirst, a, OldAnswer.NEWEST_FIRST);
    newestFirst.add(i < 0 ? -i - 1 : i, a);
    return bound(limit);
  }

  /** Drops what {@code limit} newer sure answers make unreachable; whether any was. */
  private boolean bound(int limit) {
    int sure = 0;
    for (int i = 0; i < newestFirst.size(); i++) {
      if (sure >= limit) {
        newestFirst.subList(i, newestFirst.size()).clear();
        return true;
      }
      if (!newestFirst.get(i).abandoned()) {
        sure++;
      }
    }
    return false;
  }

  /** Newest first; do not modify. */
  List<OldAnswer> newestFirst() {
    return newestFirst;
  }

  void repower(double exponent) {
    newestFirst.replaceAll(a -> a.repowered(exponent));
  }
}
