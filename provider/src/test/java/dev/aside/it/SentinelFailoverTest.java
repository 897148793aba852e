package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.resilience.RedisHealth;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.Test;

/**
 * An invalidation that a failover would lose, through Sentinel: the replica lags (paused, the master's
 * replication data held back), the entry is removed, the master is killed, and Sentinel promotes the
 * replica, which never saw the removal. Without {@code invalidation-replicas} the promoted master
 * serves the old value; with {@code invalidation-replicas = 1} the removal, not acknowledged, was
 * queued, so the key is read from the loader until the replay is acknowledged, and never stale.
 */
@RedisTest
class SentinelFailoverTest {
  private static final String MASTER_NAME = "orders";
  private static final String KEY = "order-1";

  /** The database behind the cache: its current state of every key. */
  static final Map<String, String> DATABASE = new ConcurrentHashMap<>();

  /** Reads the database. */
  public static final class DatabaseLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      return DATABASE.get(key);
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> found = new java.util.HashMap<>();
      keys.forEach(key -> found.put(key, DATABASE.get(key)));
      return found;
    }
  }

  @Test
  void withoutAcknowledgementThePromotedReplicaServesTheRemovedValue() throws Exception {
    List<String> reads = failOverAfterARemoval(0, false);
    assertThat(reads).as("reads after the failover: the promoted replica never saw the removal").contains("v1");
  }

  @Test
  void withOneReplicaAcknowledgingNoReadIsStale() throws Exception {
    List<String> reads = failOverAfterARemoval(1, true);
    assertThat(reads).as("reads after the failover").isNotEmpty().containsOnly("v2");
  }

  /**
   * Runs the scenario with {@code replicas} acknowledging each write; returns the values read after
   * the promotion, once the manager trusts the new master. With {@code rejoin}, the old master then
   * comes back (Sentinel makes it a replica of the new one) and the queued removal must be replayed.
   */
  private List<String> failOverAfterARemoval(int replicas, boolean rejoin) throws Exception {
    DATABASE.clear();
    try (RedisServer master = RedisServer.start();
        RedisServer replica = RedisServer.start()) {
      replicaOf(replica, master);
      try (RedisServer sentinel = RedisServer.builder().sentinelOf(MASTER_NAME, master).start()) {
        awaitCondition("Sentinel knows the replica", Duration.ofSeconds(30), () -> knowsReplica(sentinel, replica));
        AsideCacheManager manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
            URI.create("redis-sentinel://127.0.0.1:" + sentinel.port() + "?sentinelMasterId=" + MASTER_NAME
                + "&timeout=1s&breakerFailures=1&breakerOpen=200ms&prefix=fo"), getClass().getClassLoader());
        try {
          AsideConfiguration<String, String> config = new AsideConfiguration<>();
          config.setTypes(String.class, String.class);
          config.setReadThrough(true);
          config.setCacheLoaderFactory(FactoryBuilder.factoryOf(DatabaseLoader.class));
          config.setInvalidationReplicas(replicas);
          Cache<String, String> cache = manager.createCache("orders", config);
          Cache<String, String> marker = manager.createCache("marker",
              new AsideConfiguration<String, String>().setTypes(String.class, String.class));

          DATABASE.put(KEY, "v1");
          // Read until the loaded value is in Redis and replicated (a fill that timed out is not an error).
          awaitCondition("the entry filled and replicated", Duration.ofSeconds(20),
              () -> "v1".equals(cache.get(KEY)) && ReplicationLag.holds(replica, key -> key.endsWith("{" + KEY + "}")));

          replica.pause();
          ReplicationLag.holdBack(master, i -> "filler:" + i);
          DATABASE.put(KEY, "v2");
          cache.remove(KEY);
          if (replicas > 0) {
            assertThat(manager.health().getPendingInvalidations()).as("the unacknowledged removal is queued")
                .isEqualTo(1);
          }
          master.kill();
          replica.resume();
          awaitCondition("Sentinel promoted the replica", Duration.ofSeconds(60),
              () -> masterPort(sentinel) == replica.port());
          RedisHealth health = manager.health();
          awaitCondition("the manager writes to and reads from the new master", Duration.ofSeconds(30),
              () -> servedByRedis(marker));

          List<String> reads = readFor(cache, Duration.ofSeconds(2));
          if (rejoin) {
            assertThat(health.getPendingInvalidations()).as("the new master has no replica to acknowledge the replay")
                .isEqualTo(1);
            master.restart();    // Sentinel makes the old master a replica of the new one
            awaitCondition("the replay acknowledged by the rejoined replica", Duration.ofSeconds(60),
                () -> health.getPendingInvalidations() == 0);
            reads.addAll(readFor(cache, Duration.ofMillis(500)));
          }
          return reads;
        } finally {
          manager.close();
        }
      }
    }
  }

  /** Whether a cache without a loader writes to Redis and reads its write back (it reads a miss while failing open). */
  private static boolean servedByRedis(Cache<String, String> marker) {
    try {
      marker.put("marker", "here");
    } catch (javax.cache.CacheException failed) {
      return false;
    }
    return "here".equals(marker.get("marker"));
  }

  private static List<String> readFor(Cache<String, String> cache, Duration duration) throws InterruptedException {
    List<String> reads = new ArrayList<>();
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < end) {
      reads.add(cache.get(KEY));
      Thread.sleep(20);
    }
    return reads;
  }

  private static void replicaOf(RedisServer replica, RedisServer master) throws InterruptedException {
    RedisClient client = RedisClient.create(replica.uri());
    try (var connection = client.connect()) {
      connection.sync().replicaof("127.0.0.1", master.port());
      awaitCondition("the replica in sync", Duration.ofSeconds(20),
          () -> connection.sync().info("replication").contains("master_link_status:up"));
    } finally {
      client.shutdown();
    }
  }

  private static boolean knowsReplica(RedisServer sentinel, RedisServer replica) {
    RedisClient client = RedisClient.create();
    try (StatefulRedisSentinelConnection<String, String> connection =
        client.connectSentinel(RedisURI.create("redis://127.0.0.1:" + sentinel.port()))) {
      return connection.sync().replicas(MASTER_NAME).stream()
          .anyMatch(known -> String.valueOf(replica.port()).equals(known.get("port"))
              && !String.valueOf(known.get("flags")).contains("down"));
    } finally {
      client.shutdown();
    }
  }

  private static int masterPort(RedisServer sentinel) {
    RedisClient client = RedisClient.create();
    try (StatefulRedisSentinelConnection<String, String> connection =
        client.connectSentinel(RedisURI.create("redis://127.0.0.1:" + sentinel.port()))) {
      SocketAddress address = connection.sync().getMasterAddrByName(MASTER_NAME);
      return address instanceof InetSocketAddress inet ? inet.getPort() : -1;
    } finally {
      client.shutdown();
    }
  }

  static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for: " + what);
      }
      Thread.sleep(50);
    }
  }
}
