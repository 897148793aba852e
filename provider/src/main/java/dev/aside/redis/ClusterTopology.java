package dev.aside.redis;

import dev.aside.resilience.Breakers;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.protocol.ConnectionIntent;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster's {@link Topology}, read from the cluster connection's partitions (Lettuce's view,
 * the one it routes commands by): a key's node is the master of its slot, by node id.
 *
 * <p>{@link #refresh()} asks the client to reload that view. Lettuce refreshes it by itself on
 * redirects and after repeated reconnect attempts, but a paused master keeps its connection up and
 * never redirects, so without this its keys would go on timing out until the periodic refresh, long
 * after a replica was promoted in its place; the health probe asks each time a node fails it.
 */
final class ClusterTopology implements Topology {
  private static final Logger log = LoggerFactory.getLogger(ClusterTopology.class);
  private static final long REFRESH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final StatefulRedisClusterConnection<byte[], byte[]> connection;
  private final RedisClusterClient client;
  private final AtomicLong lastRefresh = new AtomicLong(System.nanoTime() - REFRESH_INTERVAL_NANOS);

  ClusterTopology(StatefulRedisClusterConnection<byte[], byte[]> connection, RedisClusterClient client) {
    this.connection = Objects.requireNonNull(connection);
    this.client = Objects.requireNonNull(client);
  }

  @Override
  public String nodeOf(byte[] key) {
    RedisClusterNode master = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
    return master == null ? Breakers.DEPLOYMENT : master.getNodeId();
  }

  @Override
  public Set<String> masters() {
    Set<String> masters = new HashSet<>();
    for (RedisClusterNode node : connection.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.hasNoSlots()) {
        masters.add(node.getNodeId());
      }
    }
    return masters;
  }

  @Override
  public String addressOf(String node) {
    RedisURI uri = uriOf(node);
    return uri == null ? node : uri.getHost() + ":" + uri.getPort();
  }

  private RedisURI uriOf(String node) {
    RedisClusterNode known = connection.getPartitions().getPartitionByNodeId(node);
    return known == null ? null : known.getUri();
  }

  /**
   * The write connection to {@code node} that commands routed by slot use (Lettuce keys it by host
   * and port), made if needed; failed if the view does not know the node.
   */
  private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connectionTo(String node) {
    RedisURI uri = uriOf(node);
    if (uri == null) {
      return CompletableFuture.failedFuture(new RedisOperationException("no node " + node + " in the topology", null));
    }
    try {
      return connection.getConnectionAsync(uri.getHost(), uri.getPort(), ConnectionIntent.WRITE);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /*
   * Lettuce rejects a command whose node connection is still being made (commands are rejected while
   * disconnected), and it routes by slot to a new master (a promoted replica) as soon as its view says
   * so, before the connection is made. So the first commands for a new master wait here for it.
   */
  @Override
  public void awaitConnection(String node, long timeoutMillis) {
    try {
      connectionTo(node).get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("No connection to cluster node {} yet: {}", addressOf(node), e.toString());
    }
  }

  /**
   * {@code CLUSTER INFO} to the node: it serves its keys if it answers {@code cluster_state:ok}. A
   * node that answers but reports the cluster down (by default a cluster refuses every key while any
   * slot has no live master) would refuse them, so its breaker stays open: a bare PING would close
   * it only to open it again. A node that refuses {@code CLUSTER INFO} (an ACL) is asked {@code PING}.
   */
  @Override
  public CompletionStage<String> probe(String node) {
    return connectionTo(node).thenCompose(nodeConnection -> probe(nodeConnection.async()));
  }

  private static CompletionStage<String> probe(RedisClusterAsyncCommands<byte[], byte[]> node) {
    return node.clusterInfo().handle((info, failure) -> {
      if (failure == null) {
        return info.contains("cluster_state:ok") ? CompletableFuture.completedFuture("ok")
            : CompletableFuture.<String>failedFuture(new RedisOperationException(
                "the node answers, but reports the cluster down (cluster_state is not ok)", null));
      }
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      return cause instanceof RedisCommandExecutionException ? node.ping()
          : CompletableFuture.<String>failedFuture(cause);
    }).thenCompose(next -> next);
  }

  @Override
  public void refresh() {
    long last = lastRefresh.get();
    long now = System.nanoTime();
    if (now - last >= REFRESH_INTERVAL_NANOS && lastRefresh.compareAndSet(last, now)) {
      client.refreshPartitionsAsync().exceptionally(failure -> {
        log.debug("Refreshing the cluster topology failed: {}", failure.toString());
        return null;
      });
    }
  }
}
