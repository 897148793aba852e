/**
 * The {@link javax.cache.CacheManager}: the registry of its caches, built by
 * {@link dev.aside.manager.CacheFactory}, over the connections it opens through
 * {@link dev.aside.redis.RedisConnections}.
 */
package dev.aside.manager;
