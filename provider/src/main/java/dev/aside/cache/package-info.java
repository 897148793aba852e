/**
 * The {@link javax.cache.Cache} facade: JCache semantics (statistics, events, loaders, writers,
 * expiry) on top of the Redis store.
 */
package dev.aside.cache;
