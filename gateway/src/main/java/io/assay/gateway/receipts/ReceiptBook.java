package io.assay.gateway.receipts;

import io.assay.gateway.routing.DispatchListener;
import io.assay.gateway.routing.Settlement;
import io.assay.gateway.state.Keys;
import io.assay.gateway.state.Redis;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receipts the validator holds: every whole answer (status 200) whose receipt checked out,
 * valid or not, as the miner files them, by the scoring period of the request's signed timestamp (the period the miner files it under too), in Redis so that
 * every gateway of the validator adds to one book. Written with the request's other records,
 * in the same round trip, and kept while Redis is away like usage; each period's list expires
 * {@code keepMillis} after its period ended, by which time its root was checked. The expiry is
 * set with a list's first receipt (each gateway sets it once, a period ahead), not renewed with
 * every receipt: one command less on every answer.
 */
public final class ReceiptBook implements DispatchListener {

  private static final Logger log = LoggerFactory.getLogger(ReceiptBook.class);

  /** Lists this gateway has set to expire; a list's expiry is set by its first receipt only. */
  private final java.util.Set<String> expiring = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final int MAX_EXPIRING = 100_000;

  private final Redis redis;
  private final long periodMillis;
  private final long keepMillis;

  public ReceiptBook(Redis redis, long periodMillis, long keepMillis) {
    this.redis = redis;
    this.periodMillis = periodMillis;
    this.keepMillis = keepMillis;
  }

  /** A receipt held, with the user's request id when a user asked (null for synthetic). */
  public record Held(
      @com.fasterxml.jackson.annotation.JsonProperty("receipt") String receipt,
      @com.fasterxml.jackson.annotation.JsonProperty("request_id")
      @com.fasterxml.jackson.annotation.JsonInclude(
          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String requestId) {

    static Held parse(String entry) {
      int space = entry.indexOf(' ');
      return space < 0 ? new Held(entry, null)
          : new Held(entry.substring(0, space), entry.substring(space + 1));
    }

    String entry() {
      return requestId == null ? receipt : receipt + " " + requestId;
    }
  }

  @Override
  public void settled(Settlement s) {
    if (s.answerId() == null || s.signedAt() <= 0) {
      return; // no 200 answer with a receipt: the miner files none either
    }
    String key = Keys.receipts(Math.floorDiv(s.signedAt(), periodMillis), s.miner().hotkey());
    String entry = new Held(s.answerId(), s.requestId()).entry();
    boolean first = expiring.add(key);
    if (first && expiring.size() > MAX_EXPIRING) {
      expiring.clear(); // old periods' keys; at worst one more PEXPIRE each
      expiring.add(key);
    }
    redis.durableWrites(cmd -> {
      var pushed = cmd.rpush(key, entry);
      if (first) {
        cmd.pexpire(key, keepMillis + periodMillis);
      }
      return pushed;
    }).exceptionally(e -> {
      log.warn("receipt of miner {} not kept: {}", s.miner().name(), e.getMessage());
      return null;
    });
  }

  /** The receipts held for {@code miner}'s answers to requests signed in {@code period}. */
  public Future<List<Held>> held(long period, String miner) {
    return Redis.on(redis.commands().lrange(Keys.receipts(period, miner), 0, -1)).map(rows -> {
      List<Held> held = new ArrayList<>(rows.size());
      rows.forEach(row -> held.add(Held.parse(row)));
      return held;
    });
  }
}
