package dev.aside.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the connections a near cache's invalidation feed tracks keys on: RESP3 (push messages),
 * named {@code <client name>-invalidations}, and without automatic reconnection, because a new
 * connection must enable tracking again before its feed may be trusted (the feed reconnects itself).
 *
 * <p>Client tracking is per connection and per node: a connection hears of the keys written on the
 * node it is connected to, nothing else. On standalone and Sentinel every key lives on one node, the
 * one {@link #connect()} reaches, so {@link #nodes()} is {@link #SINGLE_NODE} alone and the topology
 * never changes under the feed. On a cluster {@link #nodes()} lists every master of the cluster
 * client's current topology, {@link #connect(String)} opens a connection to one, and
 * {@link #onTopologyChange} says when the masters or their slots may have changed; the feed keeps one
 * tracked connection per master and is live only while every one of them is.
 */
public interface TrackingConnector extends AutoCloseable {
  /** The one node of a standalone or Sentinel deployment, as {@link #nodes()} names it. */
  String SINGLE_NODE = "";

  /** A connector of its own (own event loops) to the Redis {@code uri} names, standalone or Sentinel. */
  static TrackingConnector of(RedisURI uri, Duration connectTimeout) {
    return new LettuceTrackingConnector(uri, connectTimeout, null);
  }

  /** Starts connecting; the future fails if Redis cannot be reached or refuses the handshake. */
  CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect();

  /**
   * The nodes to track, one connection each: {@link #SINGLE_NODE} here; on a cluster every master, each
   * named {@code host:port/node-id} (so a node that moves to another address counts as another node).
   */
  default List<String> nodes() {
    return List.of(SINGLE_NODE);
  }

  /** Starts connecting to one of {@link #nodes()}. */
  default CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect(String node) {
    if (!SINGLE_NODE.equals(node)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("No node " + node + " to track"));
    }
    return connect();
  }

  /**
   * Runs {@code action} (on a Lettuce thread; keep it short) whenever {@link #nodes()} or the slots
   * they serve may have changed: a master added or gone, a failover, a slot migrated. Never on
   * standalone or Sentinel. Returns what unregisters it.
   */
  default Runnable onTopologyChange(Runnable action) {
    return () -> { };
  }

  /**
   * Asks for the topology to be read again now (without waiting); {@link #onTopologyChange} reports what
   * changed. The feed calls it while it cannot go live, e.g. after losing a master. A no-op on standalone
   * and Sentinel.
   */
  default void refreshTopology() {
  }

  /** Closes every connection opened and the client behind them. */
  @Override
  void close();
}
