/**
 * Cache entry listeners for Aside caches: registration of {@code CacheEntryListenerConfiguration}s
 * and delivery of created, updated, removed and expired events for the operations this JVM
 * performs on one cache ({@link dev.aside.event.EventDispatcher}). Synchronous listeners run on
 * the thread of the cache operation, after Redis acknowledged it; asynchronous listeners run on a
 * small shared pool of daemon threads, in publish order per registration. Listener code never
 * runs on Lettuce's event-loop threads. Changes made by other processes sharing the Redis
 * keyspace are not observed.
 */
package dev.aside.event;
