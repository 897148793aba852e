package dev.aside.redis;

import dev.aside.config.ConnectionSettings;
import dev.aside.resilience.CircuitBreaker;
import java.time.Duration;

/**
 * The Redis connections of one cache manager: the shared data connection behind its
 * {@link RedisStore}, and the connections its near caches' invalidation feed listens on. Every
 * Lettuce client of Aside is made behind this interface, so standalone, Sentinel and a cluster
 * deployment differ only in its implementation.
 */
public interface RedisConnections extends AutoCloseable {
  /**
   * Connects to the deployment the settings name (standalone or, through Sentinel, its master). If
   * Redis is down ({@link ConnectFailure#OUTAGE}) the connections open without a data connection and
   * keep connecting in the background: a store made meanwhile has its breaker opened, and the
   * {@link #onReconnected} actions run once the connection is made.
   *
   * @throws javax.cache.CacheException for a {@link ConnectFailure#MISCONFIGURATION} (an unknown host,
   *     a refused password or certificate); the message shows the URI redacted
   */
  static RedisConnections open(ConnectionSettings settings) {
    return new LettuceConnections(settings);
  }

  /** A store speaking over the shared data connection, guarded by {@code breaker} (opened if not connected yet). */
  RedisStore store(CircuitBreaker breaker);

  /** Whether the data connection has been made (it may be down again since; Lettuce reconnects it). */
  boolean isConnected();

  /**
   * Opens the connections of an invalidation feed, each bounded by {@code connectTimeout}; closing
   * the connector closes what it opened, never the data connection.
   */
  TrackingConnector tracking(Duration connectTimeout);

  /**
   * Runs {@code action} each time the data connection is re-established, and when a connection made
   * in the background arrives; on a Lettuce event loop or the connect thread, so keep it short.
   */
  void onReconnected(Runnable action);

  /** Closes the data connection and the client. */
  @Override
  void close();
}
