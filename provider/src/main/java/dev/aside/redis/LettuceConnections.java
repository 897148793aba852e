package dev.aside.redis;

import dev.aside.config.ConnectionSettings;
import dev.aside.resilience.CircuitBreaker;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;

/**
 * The {@link RedisConnections} of a standalone or Sentinel-managed Redis: one Lettuce
 * {@link RedisClient} (which asks Sentinel for the master itself), set up to fail fast instead of
 * Lettuce's defaults, and its event loops shared with the invalidation feed's connections.
 *
 * <p>Defaults replaced: the 60 s command timeout (the URI's {@code timeout}, 500 ms by default),
 * commands buffered without bound while disconnected (rejected instead), an unbounded request
 * queue, and reconnect back-off growing to 30 s (capped at 2 s). TCP keep-alive is on.
 */
final class LettuceConnections implements RedisConnections {
  static final int REQUEST_QUEUE_SIZE = 100_000;

  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final ConnectionSettings settings;
  private final Duration commandTimeout;

  LettuceConnections(ConnectionSettings settings) {
    this.settings = settings;
    this.commandTimeout = settings.commandTimeout();
    this.resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    // The handshake (HELLO, AUTH, SELECT) is bounded by the URI's timeout: give it the connect
    // timeout, while commands keep the short command timeout set through TimeoutOptions below.
    Duration handshake = settings.connectTimeout().compareTo(settings.commandTimeout()) > 0
        ? settings.connectTimeout() : settings.commandTimeout();
    RedisURI uri = settings.redisUri();
    uri.setTimeout(handshake);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE_SIZE)
        .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
        .socketOptions(SocketOptions.builder()
            .connectTimeout(settings.connectTimeout())
            .keepAlive(true)
            .tcpNoDelay(true)
            .build())
        .build());
    try {
      this.connection = connect(client);
    } catch (RuntimeException e) {
      close();
      throw new CacheException("Cannot connect to Redis at " + settings.redacted() + ": " + rootMessage(e));
    }
  }

  /*
   * When Redis rejects the handshake (NOAUTH, WRONGPASS) and closes the connection at once, Lettuce
   * now and then reports the close instead, as an internal IllegalStateException ("RedisHandshakeHandler
   * not registered"). One more attempt then reports what Redis said, which names the problem.
   */
  private static StatefulRedisConnection<byte[], byte[]> connect(RedisClient client) {
    try {
      return client.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      if (!(root(e) instanceof IllegalStateException)) {
        throw e;
      }
      return client.connect(ByteArrayCodec.INSTANCE);
    }
  }

  @Override
  public RedisStore store(CircuitBreaker breaker) {
    return new RedisStore(connection, commandTimeout, breaker);
  }

  @Override
  public TrackingConnector tracking(Duration connectTimeout) {
    return new LettuceTrackingConnector(settings.redisUri(), connectTimeout, resources);
  }

  @Override
  public void onReconnected(Runnable action) {
    connection.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
        action.run();
      }
    });
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
    }
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static Throwable root(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = root(e);
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }
}
