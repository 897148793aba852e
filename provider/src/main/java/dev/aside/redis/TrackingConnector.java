package dev.aside.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the connections a near cache's invalidation feed tracks keys on: RESP3 (push messages),
 * named {@code <client name>-invalidations}, and without automatic reconnection, because a new
 * connection must enable tracking again before its feed may be trusted (the feed reconnects itself).
 */
public interface TrackingConnector extends AutoCloseable {
  /** A connector of its own (own event loops) to the Redis {@code uri} names, standalone or Sentinel. */
  static TrackingConnector of(RedisURI uri, Duration connectTimeout) {
    return new LettuceTrackingConnector(uri, connectTimeout, null);
  }

  /** Starts connecting; the future fails if Redis cannot be reached or refuses the handshake. */
  CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect();

  /** Closes every connection opened and the client behind them. */
  @Override
  void close();
}
