package io.assay.gateway.state;

import io.assay.checking.CheckingStreams;
import io.assay.redis.KeyRenames;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the keys a gateway from before the hash tags of {@link Keys} and {@link CheckingStreams}
 * wrote (API keys, usage, balances, the check queue, the scoring events) to their tagged names,
 * before anything reads them. Only on a single Redis server: no earlier version ran on a
 * cluster. Idempotent, and safe with several gateways and checking servers starting at once
 * ({@link KeyRenames}).
 */
public final class OldKeyNames {

  private static final Logger log = LoggerFactory.getLogger(OldKeyNames.class);

  private OldKeyNames() {}

  /** Moves them (blocking; call at start-up, off the event loop). */
  public static void move(Redis redis) {
    if (redis.cluster()) {
      return;
    }
    List<KeyRenames.Rule> rules = new ArrayList<>(Keys.RENAMED);
    rules.addAll(CheckingStreams.RENAMED);
    KeyRenames.Outcome outcome = KeyRenames.of(rules).apply(redis.commands());
    if (outcome.moved() > 0) {
      log.info("moved {} Redis keys to their names with hash tags", outcome.moved());
    }
    if (!outcome.leftInBoth().isEmpty()) {
      log.warn("Redis holds {} keys under both their old and new names, left as they are (a"
          + " gateway or checking server of an earlier version still runs?): {}",
          outcome.leftInBoth().size(), outcome.leftInBoth().subList(0,
              Math.min(10, outcome.leftInBoth().size())));
    }
  }
}
