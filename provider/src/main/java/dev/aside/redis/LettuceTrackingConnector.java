package dev.aside.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link TrackingConnector} of a standalone or Sentinel-managed Redis: one Lettuce client, RESP3, no
 * auto-reconnect. A cluster's connector opens its per-master connections through one of these.
 */
final class LettuceTrackingConnector implements TrackingConnector {
  private static final String CLIENT_NAME = "aside-invalidations";

  private final RedisURI uri;
  private final ClientResources resources;
  private final boolean ownResources;
  private final RedisClient client;

  /** @param sharedResources event loops to use (not shut down by {@link #close()}), or null for own ones */
  LettuceTrackingConnector(RedisURI redisUri, Duration connectTimeout, ClientResources sharedResources) {
    Objects.requireNonNull(redisUri, "redisUri");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.uri = feedUri(redisUri, connectTimeout);
    this.ownResources = sharedResources == null;
    this.resources = ownResources
        ? ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build()
        : sharedResources;
    this.client = RedisClient.create(resources);
    client.setOptions(ClientOptions.builder()
        .protocolVersion(ProtocolVersion.RESP3)
        // Reconnecting is the feed's: a new connection must re-enable tracking before the feed is live again.
        .autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(connectTimeout))
        .socketOptions(SocketOptions.builder()
            .connectTimeout(connectTimeout)
            .keepAlive(true)
            .tcpNoDelay(true)
            .build())
        .build());
  }

  @Override
  public CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
    return client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture();
  }

  /** Starts connecting to another node, e.g. a cluster master, with this connector's credentials, TLS and name. */
  CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect(String host, int port) {
    RedisURI node = RedisURI.builder(uri).withHost(host).withPort(port).build();
    return client.connectAsync(ByteArrayCodec.INSTANCE, node).toCompletableFuture();
  }

  @Override
  public void close() {
    client.shutdown(0, 2, TimeUnit.SECONDS);
    if (ownResources) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /**
   * The manager's URI with the feed's handshake timeout and client name. {@code RedisURI.builder(RedisURI)}
   * does not copy Sentinel nodes and master id, so they are copied here.
   */
  static RedisURI feedUri(RedisURI source, Duration handshakeTimeout) {
    RedisURI.Builder builder = RedisURI.builder(source).withTimeout(handshakeTimeout)
        .withClientName(source.getClientName() == null ? CLIENT_NAME : source.getClientName() + "-invalidations");
    if (!source.getSentinels().isEmpty()) {
      builder.withSentinelMasterId(source.getSentinelMasterId());
      for (RedisURI sentinel : source.getSentinels()) {
        builder.withSentinel(RedisURI.builder(sentinel).build()); // build() sets the copy's timeout
      }
    }
    return builder.build();
  }
}
