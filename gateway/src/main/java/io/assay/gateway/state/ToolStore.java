package io.assay.gateway.state;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The store a command-line tool works on: the configured Redis; else the private Redis of a
 * gateway running on the data directory; else that private Redis started for the tool's
 * duration (its data as the gateway left it). Close it when done.
 */
public final class ToolStore implements AutoCloseable {

  private final PrivateRedis owned;
  private final Redis redis;

  private ToolStore(PrivateRedis owned, Redis redis) {
    this.owned = owned;
    this.redis = redis;
  }

  /**
   * @param redisUrl the configured Redis, or null
   * @param dataDir the gateway's data directory (its private Redis is in {@code redis/})
   */
  public static ToolStore open(String redisUrl, Path dataDir) throws IOException {
    String url = redisUrl;
    PrivateRedis owned = null;
    if (url == null) {
      Path dir = dataDir.resolve("redis");
      url = PrivateRedis.runningOn(dir).orElse(null);
      if (url == null) {
        owned = PrivateRedis.start(dir);
        url = owned.url();
      }
    }
    try {
      Redis redis = Redis.connect(url);
      try {
        OldKeyNames.move(redis);
      } catch (RuntimeException e) {
        redis.close();
        throw e;
      }
      return new ToolStore(owned, redis);
    } catch (RuntimeException e) {
      if (owned != null) {
        owned.close();
      }
      throw e;
    }
  }

  public Redis redis() {
    return redis;
  }

  @Override
  public void close() {
    redis.close();
    if (owned != null) {
      owned.close();
    }
  }
}
