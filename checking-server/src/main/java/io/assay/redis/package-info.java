/**
 * Redis plumbing shared by the checking server and the gateway (which embeds the checking
 * server, so depends on this module): what {@code redis.url} names ({@link
 * io.assay.redis.RedisAddress}), Lettuce clients for one server or a Redis Cluster behind one
 * command type ({@link io.assay.redis.RedisConnections}), and the start-up move of keys to the
 * names a cluster needs ({@link io.assay.redis.KeyRenames}).
 */
package io.assay.redis;
