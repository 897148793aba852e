package dev.aside.redis;

import dev.aside.config.ConnectionSettings;
import dev.aside.resilience.Breakers;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.protocol.ConnectionIntent;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The {@link RedisConnections} of a Redis Cluster: one Lettuce {@link RedisClusterClient} over the
 * URI's seed nodes, with the same {@link FailFastOptions} as a standalone client, and its one data
 * connection kept by a {@link SharedConnection} (so a manager starts without the cluster as it does
 * without a standalone Redis). Lettuce connects to each node on first use and routes every command
 * by its key's slot.
 *
 * <p>Topology: refreshed every {@code topologyRefresh} (30 s by default) and, adaptively, at once
 * on every trigger Lettuce knows ({@code MOVED} and {@code ASK} redirects, reconnect attempts,
 * unknown nodes, uncovered slots), at most once per 5 s; connections to nodes that left are closed.
 *
 * <p>Warm connections to every master: Lettuce opens a node's connection on the first command for
 * it, and with commands rejected while disconnected (fail fast) that first command, and any sent
 * while the connection is being made, would fail. So a connection to every master is opened right
 * after connecting (waiting at most the connect timeout), and to each master that a topology change
 * brings (a promoted replica, a new node), as soon as Lettuce reports the change.
 *
 * <p>Reconnections: the cluster connection is a set of node connections, each reconnected on its
 * own, so the {@link #onReconnected} actions run whenever any node connection of this client
 * becomes active (Lettuce's {@link ConnectionActivatedEvent}): after an outage of one master, its
 * queued invalidations are replayed as soon as it, or its promoted replica, answers.
 *
 * <p>Near caches: {@link #tracking} gives a {@link LettuceClusterTrackingConnector}, which tracks
 * keys with one connection per master of this client's topology and follows its changes.
 */
final class LettuceClusterConnections implements RedisConnections {
  private static final Logger log = LoggerFactory.getLogger(LettuceClusterConnections.class);

  private final ClientResources resources;
  private final Duration connectTimeout;
  private final RedisClusterClient client;
  private final SharedConnection shared;
  /** The first seed node: the credentials, TLS and client name of the invalidation feed's connections. */
  private final RedisURI seed;
  private final List<Disposable> subscriptions = new CopyOnWriteArrayList<>();

  LettuceClusterConnections(ConnectionSettings settings) {
    this.resources = FailFastOptions.resources();
    this.connectTimeout = settings.connectTimeout();
    Duration handshake = FailFastOptions.handshakeTimeout(settings);
    List<RedisURI> seeds = settings.clusterSeeds();
    seeds.forEach(seed -> seed.setTimeout(handshake));
    this.seed = seeds.get(0);
    this.client = RedisClusterClient.create(resources, seeds);
    client.setOptions(FailFastOptions.apply(ClusterClientOptions.builder(), settings)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(settings.topologyRefresh())
            .enableAllAdaptiveRefreshTriggers()
            .closeStaleConnections(true)
            .build())
        .build());
    try {
      this.shared = new SharedConnection(settings.redacted(), settings.commandTimeout(),
          this::connect, false, (connection, action) -> { }, AcknowledgedConnections.cluster(client));
    } catch (CacheException e) {
      shutdown();
      throw e;
    }
  }

  private DataConnection connect() {
    StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
    warm(connection, connection.getPartitions()).orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(failure -> null).join();
    subscriptions.add(resources.eventBus().get()
        .filter(ClusterTopologyChangedEvent.class::isInstance)
        .subscribe(event -> warm(connection, ((ClusterTopologyChangedEvent) event).after())));
    return DataConnection.of(connection, client);
  }

  /** Opens (or finds open) the write connection to every master among {@code nodes}; never fails. */
  private static CompletableFuture<Void> warm(StatefulRedisClusterConnection<byte[], byte[]> connection,
      Iterable<RedisClusterNode> nodes) {
    List<CompletableFuture<?>> opening = new ArrayList<>();
    for (RedisClusterNode node : nodes) {
      if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.getUri() == null) {
        continue;
      }
      RedisURI uri = node.getUri();
      try {
        opening.add(connection.getConnectionAsync(uri.getHost(), uri.getPort(), ConnectionIntent.WRITE)
            .exceptionally(failure -> {
              log.debug("Cannot connect to cluster master {}:{} yet: {}", uri.getHost(), uri.getPort(),
                  failure.toString());
              return null;
            }));
      } catch (RuntimeException notInTheView) {
        log.debug("Cannot connect to cluster master {}:{} yet: {}", uri.getHost(), uri.getPort(),
            notInTheView.toString());
      }
    }
    return CompletableFuture.allOf(opening.toArray(new CompletableFuture<?>[0]));
  }

  @Override
  public RedisStore store(Breakers breakers) {
    return shared.store(breakers);
  }

  @Override
  public boolean isConnected() {
    return shared.isConnected();
  }

  /** One tracked connection per master, on this client's event loops, following its topology. */
  @Override
  public TrackingConnector tracking(Duration connectTimeout) {
    return new LettuceClusterTrackingConnector(client, seed, resources, connectTimeout);
  }

  @Override
  public void onReconnected(Runnable action) {
    subscriptions.add(resources.eventBus().get()
        .filter(ConnectionActivatedEvent.class::isInstance)
        .subscribe(event -> action.run()));
    shared.onReconnected(action);
  }

  @Override
  public void close() {
    subscriptions.forEach(Disposable::dispose);
    shared.close();
    shutdown();
  }

  private void shutdown() {
    client.shutdown(0, 2, TimeUnit.SECONDS);
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }
}
