package dev.aside.redis;

import dev.aside.resilience.Breakers;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Which Redis node serves a key, as the client's view of the deployment says, and how to reach one
 * node: what {@link RedisStore} needs to keep a circuit breaker per node. A standalone or Sentinel
 * deployment is one node, {@link Breakers#DEPLOYMENT}; a cluster's nodes are its masters, by node id
 * ({@link ClusterTopology}).
 */
interface Topology {
  /** Before the data connection is made: nothing is known, every key belongs to the deployment. */
  Topology UNKNOWN = single(null);

  /** The node serving {@code key} now; {@link Breakers#DEPLOYMENT} when there is one node, or none is known. */
  String nodeOf(byte[] key);

  /** The nodes that serve keys now (a cluster's masters that own slots); empty while that is not known. */
  Set<String> masters();

  /** The node's {@code host:port} (never credentials), or its id when the view does not hold it. */
  String addressOf(String node);

  /** Waits, at most {@code timeoutMillis}, until the connection commands for {@code node} go through is made; never fails. */
  void awaitConnection(String node, long timeoutMillis);

  /** Asks {@code node} alone whether it serves its keys: {@code PING}, or on a cluster {@code CLUSTER INFO}. */
  CompletionStage<String> probe(String node);

  /** Asks for a fresh view of the topology, when a node stopped answering (at most once a second); never waits. */
  void refresh();

  /** The topology of a standalone or Sentinel-managed Redis, reached through {@code redis} (null: not connected). */
  static Topology single(RedisClusterAsyncCommands<byte[], byte[]> redis) {
    return new Topology() {
      @Override
      public String nodeOf(byte[] key) {
        return Breakers.DEPLOYMENT;
      }

      @Override
      public Set<String> masters() {
        return redis == null ? Set.of() : Set.of(Breakers.DEPLOYMENT);
      }

      @Override
      public String addressOf(String node) {
        return node;
      }

      @Override
      public void awaitConnection(String node, long timeoutMillis) {
      }

      @Override
      public CompletionStage<String> probe(String node) {
        if (redis == null) {
          throw new RedisOperationException("PING not sent: not connected to Redis yet", null);
        }
        return redis.ping();
      }

      @Override
      public void refresh() {
      }
    };
  }
}
