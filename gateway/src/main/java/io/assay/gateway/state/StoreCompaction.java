package io.assay.gateway.state;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the private Redis's append-only file now and then. Prompts and answers queued for
 * checking are deleted from Redis once checked, but an append-only file keeps every command
 * ever applied until it is rewritten; Redis does that on its own only when the file has doubled.
 * A rewrite keeps just what is in Redis now, so a checked prompt leaves the disk within {@link
 * #EVERY}. (A validator's own Redis is configured by the validator.)
 */
public final class StoreCompaction {

  /** How often the file is rewritten. */
  public static final Duration EVERY = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(StoreCompaction.class);

  private final Redis redis;

  public StoreCompaction(Redis redis) {
    this.redis = redis;
  }

  /** Rewrites every {@link #EVERY} from now on. */
  public void schedule(Vertx vertx) {
    long millis = EVERY.toMillis();
    vertx.setPeriodic(millis, millis, id -> compact());
  }

  /** Asks for a rewrite now; Redis does it in the background. */
  public Future<Void> compact() {
    return Redis.on(redis.commands().bgrewriteaof()).<Void>mapEmpty().onFailure(e -> log.debug(
        "append-only file not rewritten (Redis busy or away): {}", e.getMessage()));
  }
}
