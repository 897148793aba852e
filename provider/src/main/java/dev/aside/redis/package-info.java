/**
 * The only code that speaks Redis: key layout, commands and Lua scripts, and every Lettuce client
 * and connection ({@link dev.aside.redis.RedisConnections}: the data connection, the invalidation
 * feed's connections; standalone and Sentinel in {@code LettuceConnections}, Redis Cluster in
 * {@code LettuceClusterConnections}, with one {@link dev.aside.redis.RedisStore} above both). Whether
 * a failed connection is a configuration mistake or an outage is decided in one place,
 * {@link dev.aside.redis.ConnectFailure}. Writes that replicas must acknowledge
 * ({@code invalidation-replicas}) go on connections of their own ({@code AcknowledgedConnections}),
 * each followed by {@code WAIT} ({@code AcknowledgedWrites}), through an acknowledged view of the
 * store ({@link dev.aside.redis.RedisStore#acknowledgedBy}).
 *
 * <p>Data model: one Redis string per cache entry, {@code <prefix>:<cache>:{<key>}} (with a version,
 * {@code <prefix>:<cache>:v<version>:{<key>}}; see {@link dev.aside.redis.KeyLayout}), with the hash
 * tag around the entry key so a cache spreads over every cluster slot and an entry's companion keys
 * share its slot. Expiry is the key's own TTL ({@code PX}, {@code KEEPTTL}, {@code PEXPIRE}); there
 * is no client-side sweeper. Whole-cache operations walk the cache's keys with {@code SCAN}, never
 * {@code KEYS}. Conditional writes are single commands ({@code SET NX|XX|GET}, {@code GETDEL}) or
 * the scripts under {@code src/main/resources/dev/aside/redis}, each documented in its header.
 */
package dev.aside.redis;
