package dev.aside.redis;

import dev.aside.config.ConnectionSettings;
import dev.aside.resilience.Breakers;
import java.time.Duration;

/**
 * The Redis connections of one cache manager: the shared data connection behind its
 * {@link RedisStore}, and the connections its near caches' invalidation feed listens on. Every
 * Lettuce client of Aside is made behind this interface, so standalone, Sentinel and a cluster
 * deployment differ only in its implementation.
 */
public interface RedisConnections extends AutoCloseable {
  /**
   * Connects to the deployment the settings name (standalone, through Sentinel its master, or a
   * Redis Cluster). If
   * Redis is down ({@link ConnectFailure#OUTAGE}) the connections open without a data connection and
   * keep connecting in the background: a store made meanwhile has its breaker opened, and the
   * {@link #onReconnected} actions run once the connection is made.
   *
   * @throws javax.cache.CacheException for a {@link ConnectFailure#MISCONFIGURATION} (an unknown host,
   *     a refused password or certificate, a {@code redis://} URI that reaches a cluster node); the
   *     message shows the URI redacted
   */
  static RedisConnections open(ConnectionSettings settings) {
    return settings.isCluster() ? new LettuceClusterConnections(settings) : new LettuceConnections(settings);
  }

  /**
   * A store speaking over the shared data connection, guarded by {@code breakers} (one per node; the
   * deployment's is opened if not connected yet).
   */
  RedisStore store(Breakers breakers);

  /** Whether the data connection has been made (it may be down again since; Lettuce reconnects it). */
  boolean isConnected();

  /**
   * Opens the connections of an invalidation feed, each bounded by {@code connectTimeout}; closing
   * the connector closes what it opened, never the data connection.
   *
   * <p>Client tracking is per node: on standalone and Sentinel the connector opens one connection to
   * the master; on a cluster its {@link TrackingConnector#nodes()} are the masters of the cluster
   * client's current topology, {@link TrackingConnector#connect(String)} opens a RESP3 connection to
   * one of them (with the data connection's credentials and TLS, on the same event loops), and
   * {@link TrackingConnector#onTopologyChange} is fed by the cluster client's topology refreshes
   * (Lettuce's {@code ClusterTopologyChangedEvent}, which its adaptive refresh raises on {@code MOVED}
   * and {@code ASK} redirects too).
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
