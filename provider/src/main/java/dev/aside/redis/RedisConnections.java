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
   * Connects to the deployment the settings name (standalone or, through Sentinel, its master).
   *
   * @throws javax.cache.CacheException if Redis cannot be reached; the message shows the URI redacted
   */
  static RedisConnections open(ConnectionSettings settings) {
    return new LettuceConnections(settings);
  }

  /** A store speaking over the shared data connection, guarded by {@code breaker}. */
  RedisStore store(CircuitBreaker breaker);

  /**
   * Opens the connections of an invalidation feed, each bounded by {@code connectTimeout}; closing
   * the connector closes what it opened, never the data connection.
   */
  TrackingConnector tracking(Duration connectTimeout);

  /** Runs {@code action} on a Lettuce event loop each time the data connection is re-established; keep it short. */
  void onReconnected(Runnable action);

  /** Closes the data connection and the client. */
  @Override
  void close();
}
