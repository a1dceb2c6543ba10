package io.assay.gateway.files;

import static io.assay.gateway.files.PublishedFiles.bytes;

import io.assay.gateway.state.Keys;
import io.assay.gateway.state.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletionStage;

/**
 * The one script that publishes a file and keeps the byte budget of all files, atomically.
 *
 * <p>It stores the file with its TTL ({@code PEXPIRE}), gives it the next publication number in
 * the index ({@link Keys#filesOrder}), records its size ({@link Keys#fileSizes}) and adds it to
 * the counter ({@link Keys#filesBytes}); then, oldest first, it drops index entries whose file
 * has expired, and files while the counter is over budget, except the newest (so a URL just
 * handed out works even for a file larger than the whole budget). Index, sizes and counter change
 * only here and together, so the counter cannot drift from the index; with every gateway on one
 * TTL, files expire in index order, so the expired ones are always at the front and leave at the
 * next publish. (Gateways on different TTLs could leave an expired file behind a live older one;
 * it then counts until it reaches the front, which makes eviction early, never late.)
 *
 * <p>Redis Cluster: every key it touches, including the evicted files' keys it builds from their
 * ids (which Redis allows within one slot), carries the hash tag {@code {files}}, so the script
 * runs on a cluster. The price is that one slot, on one master, holds every published file; the
 * budget bounds it.
 */
final class FileScript {

  /**
   * Expired entries one publish clears when under budget: after a quiet spell longer than the TTL
   * a whole TTL's worth of index may be expired, and one script must not hold Redis for that;
   * later publishes clear the rest (over budget, eviction takes them regardless).
   */
  static final int MAX_EXPIRED_CLEARED = 1_000;

  private static final RedisScript PUBLISH = new RedisScript("""
      local file, order, sizes, total, numbers = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
      local id, content, ttl = ARGV[1], ARGV[3], ARGV[4]
      local max, prefix, cap = tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7])
      redis.call('HSET', file, 'type', ARGV[2], 'content', content)
      redis.call('PEXPIRE', file, ttl)
      redis.call('ZADD', order, redis.call('INCR', numbers), id)
      redis.call('HSET', sizes, id, #content)
      local bytes = redis.call('INCRBY', total, #content)
      local cleared = 0
      while true do
        local oldest = redis.call('ZRANGE', order, 0, 0)[1]
        if oldest == nil or oldest == id then
          break
        end
        local expired = redis.call('EXISTS', prefix .. oldest) == 0
        if bytes <= max and not (expired and cleared < cap) then
          break
        end
        if expired then
          cleared = cleared + 1
        else
          redis.call('UNLINK', prefix .. oldest)
        end
        bytes = redis.call('DECRBY', total, redis.call('HGET', sizes, oldest) or 0)
        redis.call('HDEL', sizes, oldest)
        redis.call('ZREM', order, oldest)
      end
      return bytes
      """);

  private FileScript() {}

  /**
   * Publishes {@code content} under {@code id} for {@code ttlMillis}; completes with the bytes
   * all published files hold now.
   */
  static CompletionStage<Long> publish(RedisClusterAsyncCommands<byte[], byte[]> cmd, String id,
      byte[] content, String mediaType, long ttlMillis, long maxBytes) {
    byte[][] keys = {bytes(Keys.file(id)), bytes(Keys.filesOrder()), bytes(Keys.fileSizes()),
        bytes(Keys.filesBytes()), bytes(Keys.filesPublished())};
    byte[][] args = {bytes(id), bytes(mediaType), content, bytes(Long.toString(ttlMillis)),
        bytes(Long.toString(maxBytes)), bytes(Keys.file("")),
        bytes(Integer.toString(MAX_EXPIRED_CLEARED))};
    return PUBLISH.run(cmd, ScriptOutputType.INTEGER, keys, args);
  }
}
