package dev.aside.it;

import static dev.aside.it.SentinelFailoverTest.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SentinelFailoverTest} on a Redis Cluster: the replica of the key's master lags (paused, the
 * master's replication data held back), the entry is removed, the master is killed and its replica
 * promoted. Without {@code invalidation-replicas} the promoted master serves the old value; with
 * {@code invalidation-replicas = 1} the removal, not acknowledged, was queued, and no read is stale.
 * Each test fails over a master of its own. And the {@code WAIT} of a master whose replica is paused holds up
 * no read, of that master's keys or the others'.
 */
@RedisTest
class ClusterFailoverInvalidationTest {
  private static final String CACHE = "orders";
  private static RedisCluster cluster;
  private static final List<RedisServer> failedOver = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).nodeTimeout(Duration.ofMillis(1_500)).start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void withoutAcknowledgementThePromotedReplicaServesTheRemovedValue() throws Exception {
    assertThat(failOverAfterARemoval(0)).as("reads after the failover: the promoted replica never saw the removal")
        .contains("v1");
  }

  @Test
  void withOneReplicaAcknowledgingNoReadIsStale() throws Exception {
    assertThat(failOverAfterARemoval(1)).as("reads after the failover").isNotEmpty().containsOnly("v2");
  }

  @Test
  void waitingForAReplicaNeverHoldsUpReadsOfTheSameOrOtherMasters() throws Exception {
    String prefix = "cw" + UUID.randomUUID().toString().substring(0, 8);
    RedisServer master = cluster.masters().stream()
        .filter(candidate -> !failedOver.contains(candidate) && !cluster.replicasOf(candidate).isEmpty())
        .findFirst().orElseThrow();
    RedisServer replica = cluster.replicasOf(master).get(0);
    String key = keyServedBy(master, prefix);
    AsideCachingProvider provider = new AsideCachingProvider();
    try {
      // A WAIT blocks for 3/4 of the timeout: 3 s leave room to see it block and time the reads meanwhile.
      AsideCacheManager manager = (AsideCacheManager) provider.getCacheManager(URI.create(cluster.uri()
          + "?prefix=" + prefix + "&timeout=4s"), getClass().getClassLoader());
      AsideConfiguration<String, String> config = new AsideConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setInvalidationReplicas(1);
      config.setWriteFailures(dev.aside.resilience.FailurePolicy.WriteFailures.LOG);
      Cache<String, String> cache = manager.createCache(CACHE, config);
      // Written by another manager without the setting: a master that was failed over has no replica left.
      CacheManager writer = provider.getCacheManager(URI.create(cluster.uri() + "?prefix=" + prefix + "&timeout=2s"),
          new java.net.URLClassLoader(new java.net.URL[0], getClass().getClassLoader()));
      Cache<String, String> plain = writer.createCache(CACHE,
          new AsideConfiguration<String, String>().setTypes(String.class, String.class));
      List<String> others = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        plain.put("other" + i, "in redis");    // on every master, the paused replica's too
        others.add("other" + i);
      }
      // An entry to remove: removing an absent key changes nothing, so there would be nothing to wait for.
      cache.put(key, "in redis");
      // Warm the read path to every master (connections, scripts): the timed reads measure only the WAIT's effect.
      others.forEach(other -> assertThat(cache.get(other)).isEqualTo("in redis"));
      io.lettuce.core.RedisClient observer = io.lettuce.core.RedisClient.create(master.uri());
      var masterInfo = observer.connect().sync();
      replica.pause();
      try {
        java.util.concurrent.CompletableFuture<Void> removal =
            java.util.concurrent.CompletableFuture.runAsync(() -> cache.remove(key));
        awaitCondition("the removal's WAIT blocking on the master (3 s: 3/4 of the 4 s timeout)",
            Duration.ofSeconds(10), () -> masterInfo.info("clients").contains("blocked_clients:1"));
        long slowestMillis = 0;
        for (String other : others) {
          long before = System.nanoTime();
          assertThat(cache.get(other)).as("read from Redis").isEqualTo("in redis");
          slowestMillis = Math.max(slowestMillis, (System.nanoTime() - before) / 1_000_000);
        }
        assertThat(removal).as("the removal still waits for the replica after the reads").isNotDone();
        assertThat(slowestMillis).as("the slowest of 30 reads while the WAIT blocks, in ms").isLessThan(500);
        removal.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(manager.health().getPendingInvalidations()).as("the unacknowledged removal queued").isEqualTo(1);
      } finally {
        replica.resume();
        observer.shutdown();
      }
      awaitCondition("the replay acknowledged", Duration.ofSeconds(20),
          () -> manager.health().getPendingInvalidations() == 0);
    } finally {
      provider.close();
    }
  }

  private List<String> failOverAfterARemoval(int replicas) throws Exception {
    SentinelFailoverTest.DATABASE.clear();
    String prefix = "cf" + UUID.randomUUID().toString().substring(0, 8);
    RedisServer master = cluster.masters().stream()
        .filter(candidate -> !failedOver.contains(candidate) && !cluster.replicasOf(candidate).isEmpty())
        .findFirst().orElseThrow();
    failedOver.add(master);
    RedisServer replica = cluster.replicasOf(master).get(0);
    String key = keyServedBy(master, prefix);
    String redisKey = prefix + ":" + CACHE + ":{" + key + "}";

    AsideCachingProvider provider = new AsideCachingProvider();
    try {
      AsideCacheManager manager = (AsideCacheManager) provider.getCacheManager(URI.create(cluster.uri()
          + "?prefix=" + prefix + "&timeout=1s&breakerFailures=1&breakerOpen=200ms"), getClass().getClassLoader());
      AsideConfiguration<String, String> config = new AsideConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setReadThrough(true);
      config.setCacheLoaderFactory(FactoryBuilder.factoryOf(SentinelFailoverTest.DatabaseLoader.class));
      config.setInvalidationReplicas(replicas);
      Cache<String, String> cache = manager.createCache(CACHE, config);
      // The same key in a plain cache: the same hash slot, so the same master.
      Cache<String, String> marker = manager.createCache("marker",
          new AsideConfiguration<String, String>().setTypes(String.class, String.class));

      SentinelFailoverTest.DATABASE.put(key, "v1");
      // Read until the loaded value is in Redis and replicated (a fill that timed out is not an error).
      awaitCondition("the entry filled and replicated", Duration.ofSeconds(20),
          () -> "v1".equals(cache.get(key)) && ReplicationLag.holds(replica, redisKey::equals));

      replica.pause();
      ReplicationLag.holdBack(master, i -> "filler:" + i + ":{" + key + "}");
      SentinelFailoverTest.DATABASE.put(key, "v2");
      cache.remove(key);
      if (replicas > 0) {
        assertThat(manager.health().getPendingInvalidations()).as("the unacknowledged removal is queued").isEqualTo(1);
      }
      master.kill();
      replica.resume();
      cluster.failover(replica);
      awaitCondition("the manager writes to and reads from the promoted master", Duration.ofSeconds(30),
          () -> servedByRedis(marker, key));

      List<String> reads = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < end) {
        reads.add(cache.get(key));
        Thread.sleep(20);
      }
      return reads;
    } finally {
      provider.close();
    }
  }

  /** A key whose entry the master serves. */
  private static String keyServedBy(RedisServer master, String prefix) {
    for (int i = 0; ; i++) {
      if (cluster.masterOf(RedisCluster.slot(prefix + ":" + CACHE + ":{k" + i + "}")) == master) {
        return "k" + i;
      }
    }
  }

  private static boolean servedByRedis(Cache<String, String> marker, String key) {
    try {
      marker.put(key, "here");
    } catch (CacheException failed) {
      return false;
    }
    return "here".equals(marker.get(key));
  }
}
