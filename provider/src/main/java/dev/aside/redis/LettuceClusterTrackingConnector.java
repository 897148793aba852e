package dev.aside.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The {@link TrackingConnector} of a Redis Cluster: the masters of the cluster client's topology as
 * the nodes to track, one RESP3 connection each (made like a standalone feed connection, with the
 * seed URI's credentials and TLS, on the manager's event loops), and the client's
 * {@link ClusterTopologyChangedEvent}s as topology changes.
 */
final class LettuceClusterTrackingConnector implements TrackingConnector {
  /*
   * Which masters are tracked: every master that owns slots, however it is flagged, and every master
   * without slots that is not marked failed (a new node, about to be given slots by a resharding). A
   * master owning slots that is down keeps the feed not live until its replica takes over (the
   * promoted replica owns its slots then) or it answers again. A master that failed over stays in the
   * topology, flagged failed and without slots, until it returns as a replica or is forgotten: it
   * serves no key, so it is left out. Nodes in handshake have a temporary id and are left out until
   * they have joined.
   */
  private static final Logger log = LoggerFactory.getLogger(LettuceClusterTrackingConnector.class);

  private final RedisClusterClient client;
  private final ClientResources resources;
  private final LettuceTrackingConnector connections;
  /** The address of each node named by {@link #nodes()} so far. */
  private final Map<String, RedisURI> addresses = new ConcurrentHashMap<>();
  private final List<Disposable> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param client the manager's cluster client, whose topology (and refreshes) the feed follows
   * @param seed a seed URI of the cluster: the credentials, TLS and client name of every connection
   * @param resources the cluster client's event loops and event bus (not shut down by {@link #close()})
   */
  LettuceClusterTrackingConnector(RedisClusterClient client, RedisURI seed, ClientResources resources,
      Duration connectTimeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.resources = Objects.requireNonNull(resources, "resources");
    this.connections = new LettuceTrackingConnector(seed, connectTimeout, resources);
  }

  /** Refuses: a cluster has no single node to track; see {@link #nodes()}. */
  @Override
  public CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
    return CompletableFuture.failedFuture(new IllegalStateException("A Redis Cluster is tracked node by node"));
  }

  /**
   * The masters to track, named {@code host:port/node-id}. Before the cluster client has a topology
   * (the cluster unreachable since the manager started) this reads it, blocking, and throws if it cannot.
   */
  @Override
  public List<String> nodes() {
    List<String> nodes = new ArrayList<>();
    for (RedisClusterNode node : client.getPartitions()) {
      if (isTracked(node)) {
        RedisURI uri = node.getUri();
        String name = uri.getHost() + ":" + uri.getPort() + "/" + node.getNodeId();
        addresses.putIfAbsent(name, uri);
        nodes.add(name);
      }
    }
    return nodes;
  }

  private static boolean isTracked(RedisClusterNode node) {
    if (!node.is(NodeFlag.UPSTREAM) || node.getUri() == null || node.is(NodeFlag.HANDSHAKE)) {
      return false;
    }
    return !node.hasNoSlots() || !(node.is(NodeFlag.FAIL) || node.is(NodeFlag.NOADDR));
  }

  @Override
  public CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect(String node) {
    RedisURI uri = addresses.get(node);
    if (uri == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("No cluster node " + node + " to track"));
    }
    return connections.connect(uri.getHost(), uri.getPort());
  }

  @Override
  public Runnable onTopologyChange(Runnable action) {
    Disposable listener = resources.eventBus().get()
        .filter(ClusterTopologyChangedEvent.class::isInstance)
        .subscribe(event -> action.run());
    listeners.add(listener);
    return () -> {
      listener.dispose();
      listeners.remove(listener);
    };
  }

  @Override
  public void refreshTopology() {
    try {
      client.refreshPartitionsAsync().whenComplete((done, failure) -> {
        if (failure != null) {
          log.debug("Cannot refresh the cluster topology for the invalidation feed: {}", failure.toString());
        }
      });
    } catch (RuntimeException e) {
      log.debug("Cannot refresh the cluster topology for the invalidation feed: {}", e.toString());
    }
  }

  /** Closes the connections opened and stops listening; the cluster client and its event loops stay. */
  @Override
  public void close() {
    listeners.forEach(Disposable::dispose);
    listeners.clear();
    connections.close();
  }
}
