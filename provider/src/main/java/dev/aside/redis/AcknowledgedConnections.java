package dev.aside.redis;

import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ConnectionIntent;
import java.util.function.Supplier;

/**
 * The connections that acknowledged writes ({@link AcknowledgedWrites}) go on: one per node, apart
 * from the shared data connection, made on first use.
 *
 * <p>Why apart: {@code WAIT} blocks the connection it is sent on until the replicas answer (up to its
 * timeout), and it counts only that connection's own earlier writes. On the shared, multiplexed data
 * connection it would stall every other command of the manager behind it; on a connection of its
 * own it stalls only the acknowledged writes to that node, which wait for it anyway.
 *
 * <p>Standalone and Sentinel: one connection made by the manager's client, so with the same
 * options; through Sentinel it asks Sentinel for the master at each (re)connection, so after a
 * failover it follows the new master as the data connection does. Cluster: a second cluster
 * connection of the manager's client, whose node connections ({@code getConnection(nodeId)}) are
 * its own; it follows the topology as the data connection does.
 */
interface AcknowledgedConnections extends AutoCloseable {
  /** The commands of the connection to {@code node} (an id of {@link Topology}); made, blocking, if needed. */
  RedisClusterAsyncCommands<byte[], byte[]> to(String node);

  @Override
  void close();

  /** One connection to a standalone or Sentinel-managed master, made by {@code connect} on first use. */
  static AcknowledgedConnections single(Supplier<StatefulRedisConnection<byte[], byte[]>> connect) {
    return new AcknowledgedConnections() {
      private StatefulRedisConnection<byte[], byte[]> connection;
      private boolean closed;

      @Override
      public synchronized RedisClusterAsyncCommands<byte[], byte[]> to(String node) {
        if (closed) {
          throw new RedisOperationException("not sent: the cache manager is closed", null);
        }
        if (connection == null) {
          connection = connect.get();
        }
        return connection.async();
      }

      @Override
      public synchronized void close() {
        closed = true;
        if (connection != null) {
          connection.close();
        }
      }
    };
  }

  /** A cluster connection of {@code client} of its own, made on first use; a node's on its first write. */
  static AcknowledgedConnections cluster(RedisClusterClient client) {
    return new AcknowledgedConnections() {
      private StatefulRedisClusterConnection<byte[], byte[]> connection;
      private boolean closed;

      @Override
      public RedisClusterAsyncCommands<byte[], byte[]> to(String node) {
        return cluster().getConnection(node, ConnectionIntent.WRITE).async();
      }

      private synchronized StatefulRedisClusterConnection<byte[], byte[]> cluster() {
        if (closed) {
          throw new RedisOperationException("not sent: the cache manager is closed", null);
        }
        if (connection == null) {
          connection = client.connect(ByteArrayCodec.INSTANCE);
        }
        return connection;
      }

      @Override
      public synchronized void close() {
        closed = true;
        if (connection != null) {
          connection.close();
        }
      }
    };
  }
}
