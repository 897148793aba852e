package dev.aside.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Objects;

/**
 * The shared data connection as {@link RedisStore} speaks to it: the command interfaces that a
 * standalone (or Sentinel) connection and a cluster connection have in common. On a cluster, the
 * same calls are Lettuce's routing implementations: a single-key command or script goes to the
 * master of its key's slot (following {@code MOVED} and {@code ASK}), {@code MGET} is split by slot,
 * {@code SCAN} walks every master in turn. The {@link Topology} says which node serves a key, for
 * the store's breaker per node.
 */
record DataConnection(StatefulConnection<byte[], byte[]> stateful, RedisClusterAsyncCommands<byte[], byte[]> async,
    RedisClusterCommands<byte[], byte[]> sync, Topology topology) {

  DataConnection {
    Objects.requireNonNull(stateful);
    Objects.requireNonNull(async);
    Objects.requireNonNull(sync);
    Objects.requireNonNull(topology);
  }

  static DataConnection of(StatefulRedisConnection<byte[], byte[]> connection) {
    return new DataConnection(connection, connection.async(), connection.sync(), Topology.single(connection.async()));
  }

  static DataConnection of(StatefulRedisClusterConnection<byte[], byte[]> connection, RedisClusterClient client) {
    return new DataConnection(connection, connection.async(), connection.sync(),
        new ClusterTopology(connection, client));
  }

  void close() {
    stateful.close();
  }
}
