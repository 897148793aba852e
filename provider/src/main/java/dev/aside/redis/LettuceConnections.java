package dev.aside.redis;

import dev.aside.config.ConnectionSettings;
import dev.aside.resilience.Breakers;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;

/**
 * The {@link RedisConnections} of a standalone or Sentinel-managed Redis: one Lettuce
 * {@link RedisClient} (which asks Sentinel for the master itself) with the {@link FailFastOptions},
 * its event loops shared with the invalidation feed's connections, and its one data connection kept
 * by a {@link SharedConnection} (which also starts it without Redis).
 *
 * <p>A {@code redis://} URI that reaches a node of a Redis Cluster is a mistake: most of its keys
 * would fail with {@code MOVED}. Right after connecting, {@code INFO cluster} tells; a node with
 * {@code cluster_enabled:1} fails the cache manager with a message naming the
 * {@code redis-cluster://} form. (A server that refuses {@code INFO} is taken as standalone.)
 */
final class LettuceConnections implements RedisConnections {
  private final ClientResources resources;
  private final RedisClient client;
  private final ConnectionSettings settings;
  private final SharedConnection shared;

  LettuceConnections(ConnectionSettings settings) {
    this.settings = settings;
    this.resources = FailFastOptions.resources();
    RedisURI uri = settings.redisUri();
    uri.setTimeout(FailFastOptions.handshakeTimeout(settings));
    this.client = RedisClient.create(resources, uri);
    client.setOptions(FailFastOptions.apply(ClientOptions.builder(), settings).build());
    boolean viaSentinel = !uri.getSentinels().isEmpty();
    try {
      this.shared = new SharedConnection(settings.redacted(), settings.commandTimeout(),
          () -> connect(client, viaSentinel), viaSentinel, LettuceConnections::onReconnected,
          AcknowledgedConnections.single(() -> client.connect(ByteArrayCodec.INSTANCE)));
    } catch (CacheException e) {
      shutdown();
      throw e;
    }
  }

  /*
   * When Redis rejects the handshake (NOAUTH, WRONGPASS) and closes the connection at once, Lettuce
   * now and then reports the close instead, as an internal IllegalStateException ("RedisHandshakeHandler
   * not registered"). One more attempt then reports what Redis said, which names the problem.
   */
  private DataConnection connect(RedisClient client, boolean viaSentinel) {
    StatefulRedisConnection<byte[], byte[]> connection;
    try {
      connection = client.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      if (!(SharedConnection.root(e) instanceof IllegalStateException)) {
        throw e;
      }
      connection = client.connect(ByteArrayCodec.INSTANCE);
    }
    if (!viaSentinel && isClusterNode(connection)) {
      connection.close();
      throw new SharedConnection.WrongDeployment("it is a Redis Cluster node (cluster_enabled:1), and a redis:// URI"
          + " reaches one node only; connect with redis-cluster://" + settings.redisUri().getHost() + ":"
          + settings.redisUri().getPort() + "[,host:port...] (or rediss-cluster:// for TLS)");
    }
    return DataConnection.of(connection);
  }

  private static boolean isClusterNode(StatefulRedisConnection<byte[], byte[]> connection) {
    try {
      return connection.sync().info("cluster").contains("cluster_enabled:1");
    } catch (RedisCommandExecutionException refused) {
      return false;    // INFO renamed or denied by an ACL: nothing says it is a cluster
    } catch (RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  private static void onReconnected(DataConnection connection, Runnable action) {
    connection.stateful().addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
        action.run();
      }
    });
  }

  @Override
  public RedisStore store(Breakers breakers) {
    return shared.store(breakers);
  }

  @Override
  public boolean isConnected() {
    return shared.isConnected();
  }

  @Override
  public TrackingConnector tracking(Duration connectTimeout) {
    return new LettuceTrackingConnector(settings.redisUri(), connectTimeout, resources);
  }

  @Override
  public void onReconnected(Runnable action) {
    shared.onReconnected(action);
  }

  @Override
  public void close() {
    shared.close();
    shutdown();
  }

  private void shutdown() {
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
