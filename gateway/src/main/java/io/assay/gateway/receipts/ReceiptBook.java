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
 * {@code keepMillis} after it was last written, by which time its root was checked.
 */
public final class ReceiptBook implements DispatchListener {

  private static final Logger log = LoggerFactory.getLogger(ReceiptBook.class);

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
    redis.durableWrites(cmd -> {
      cmd.rpush(key, entry);
      return cmd.pexpire(key, keepMillis);
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
