/**
 * Optional near cache: a cache's hot entries held in this JVM (Caffeine), invalidated by Redis itself.
 *
 * <h2>Invalidation: RESP3 client tracking in BCAST mode, on a dedicated connection</h2>
 *
 * <p>One {@link dev.aside.near.InvalidationFeed} per cache manager opens its own RESP3 connection and
 * sends {@code CLIENT TRACKING ON BCAST PREFIX <prefix>:}. From then on Redis pushes an
 * {@code invalidate} message for every key under the manager's prefix that anyone modifies, deletes,
 * expires or evicts: another Aside JVM, {@code redis-cli}, a script, a program in another language.
 * {@code FLUSHALL}/{@code FLUSHDB} arrive as an invalidation with no key list and clear everything.
 *
 * <p>On a Redis Cluster tracking is per node, so the feed opens one such connection per master of the
 * cluster client's topology and is live only while all of them are; a lost connection or a change in
 * the set of masters ends the live period and clears the near caches (see the invariants at the top of
 * {@link dev.aside.near.InvalidationFeed}). BCAST tracks a node's keys whatever their slot, so slots
 * moving between tracked masters need nothing more.
 *
 * <p>Why BCAST, rather than the default tracking mode on the data connection:
 * <ul>
 *   <li>Default mode invalidates only keys the tracking connection itself has read. The manager reads
 *       on its data connection, which is RESP2, shared by every cache and auto-reconnected by Lettuce; it
 *       would need tracking (with {@code REDIRECT} to a push connection) switched on there and re-enabled
 *       after every one of its reconnects, with no way to know which reads happened while it was off. In
 *       BCAST mode which connection read a key does not matter: the feed is independent of the data path,
 *       and its own reconnects are handled in one place.</li>
 *   <li>Default mode makes Redis remember, per client, every key read (the tracking table, bounded by
 *       {@code tracking-table-max-keys}, whose overflow invalidates keys spuriously). BCAST keeps only the
 *       prefix: no server memory per key or per read.</li>
 *   <li>The cost: the feed receives invalidations for every write under the prefix, including caches
 *       without a near cache, keys never held locally and companion keys (leases), and filters them
 *       here. Redis batches BCAST invalidations per event-loop iteration. For write-heavy prefixes whose
 *       hot keys are few, that traffic is the price of not coupling tracking to the read path.</li>
 * </ul>
 *
 * <h2>Freshness guarantee and its window</h2>
 *
 * <p>A write applied in Redis reaches this JVM as an invalidation over the feed connection, about half
 * a round trip later ({@link dev.aside.near.InvalidationFeed#lastPingRoundTrip()}); until then a near hit
 * may still return the previous value. Nothing is served otherwise: hits are served only while the feed
 * is live (tracking on, connection open, last {@code PING} answered within about interval + timeout, on
 * every node), and every loss of a connection, missed {@code PING}, null invalidation or change of the
 * cluster's masters clears the near caches at once. Each entry and reservation carries its generation, which every clear, lost session and close
 * replaces, so an entry from before a loss can never be served after it, even before the memory is
 * released; a hit costs one comparison of generations. A connection that
 * silently stops delivering is detected within {@code pingInterval + pingTimeout} (1.5 s by default);
 * that is the worst-case window.
 *
 * <h2>How the cache uses a {@link dev.aside.near.NearCache}</h2>
 * <ol>
 *   <li>Read: {@code get(key)}; on a hit, {@code hit.value(decoder)} is the value (shared if immutable,
 *       else decoded per hit). On a miss: {@code reserve(key)} <em>before</em> reading Redis, read the
 *       value and its remaining TTL ({@code PTTL}), then {@code fill(reservation, value, bytes, ttl)}.
 *       A fill is dropped if the key was invalidated, the near cache cleared, or the feed lost since the
 *       reservation: the read may have returned a value that a concurrent write has replaced.</li>
 *   <li>Own writes (put, replace, remove, invoke, ...): after the Redis command returns or fails,
 *       {@code invalidate(key)}, which also voids outstanding reservations of the key. The write's own
 *       invalidation arrives from Redis later too, so updating the entry instead would only last until
 *       then; dropping it keeps this JVM reading its own writes.</li>
 *   <li>Whole-cache operations (clear, removeAll, destroy): {@code clear()} (or {@code close()}).</li>
 *   <li>Access expiry: a near hit is an access; the cache resets the TTL in Redis ({@code PEXPIRE},
 *       sent without waiting). Redis treats the touch as a modification and invalidates the key
 *       everywhere, so near caching pays off little for caches whose policy touches on access. An
 *       access that expires the entry (a zero duration) deletes it and drops the near entry at once,
 *       like an own write.</li>
 * </ol>
 *
 * <p>Threading: invalidation callbacks run on Lettuce's event loop and do O(1), non-blocking work; the
 * feed connects and pings on its own daemon thread; every public method is thread-safe.
 */
package dev.aside.near;
