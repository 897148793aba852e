/**
 * The {@link javax.cache.CacheManager}: one Lettuce client and one shared connection per manager,
 * and the registry of its caches.
 */
package dev.aside.manager;
