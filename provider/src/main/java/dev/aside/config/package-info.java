/**
 * Configuration of Aside: the Redis connection URI, configuration files and per-cache settings.
 *
 * <p>A cache manager is named by a URI. A {@code redis://}, {@code rediss://} or
 * {@code redis-sentinel://} URI is parsed by {@link dev.aside.config.ConnectionSettings}; a
 * {@code file:}, {@code classpath:} or {@code jar:} URI names a {@link dev.aside.config.ConfigFile}
 * that holds the connection URI plus default and per-cache {@link dev.aside.config.CacheSettings}.
 * Programmatic configuration uses {@link dev.aside.config.AsideConfiguration}, a
 * {@link javax.cache.configuration.MutableConfiguration} with Aside's extra settings.
 *
 * <p>Nothing in this package ever puts a password into a message, a log line or a
 * {@code toString()}: URIs are shown through {@link dev.aside.config.RedactedUri}, the one redactor.
 */
package dev.aside.config;
