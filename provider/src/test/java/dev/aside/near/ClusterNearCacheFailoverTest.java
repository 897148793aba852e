package dev.aside.near;

import static dev.aside.near.ClusterCaches.await;
import static dev.aside.near.ClusterCaches.holdNear;
import static dev.aside.near.ClusterCaches.metrics;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A near cache on a cluster whose master dies: cleared at once, serving nothing until its replica is promoted
 * and tracked, then invalidated by the promoted master's writes.
 */
@RedisTest
class ClusterNearCacheFailoverTest {
  private static RedisCluster cluster;
  private ClusterCaches caches;

  @BeforeAll
  static void startCluster() {
    /* 3 masters with a replica each; a master silent for 1.5 s (the node timeout) is failed over. The
       survivors keep serving their slots meanwhile (with Redis's default, full coverage, they answer
       CLUSTERDOWN until the promotion, which a slow election on a busy machine can stretch past the
       client's retries): the reads of their keys are what this test watches. */
    cluster = RedisCluster.builder().masters(3).replicasPerMaster(1).nodeTimeout(Duration.ofMillis(1_500))
        .arg("--cluster-require-full-coverage", "no").start();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void caches() {
    caches = new ClusterCaches(cluster);
  }

  @AfterEach
  void close() {
    caches.close();
  }

  @Test
  void aKilledMasterClearsTheNearCacheUntilItsPromotedReplicaIsTracked() {
    Cache<String, String> near = caches.nearCache();
    Cache<String, String> other = caches.plainCache();
    Map<RedisServer, String> keys = caches.oneKeyPerMaster();
    keys.values().forEach(key -> other.put(key, "v1"));
    keys.values().forEach(key -> holdNear(near, key, "v1"));
    RedisServer victim = keys.keySet().iterator().next();
    String victimKey = keys.get(victim);
    List<String> survivorKeys = keys.entrySet().stream().filter(e -> e.getKey() != victim)
        .map(Map.Entry::getValue).toList();
    NearCacheMetrics metrics = metrics(near);
    long clears = metrics.getFullClears();

    // Reads the survivors' keys throughout; none may be a near hit while the feed is not live.
    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicLong hitsWhileNotLive = new AtomicLong();
    AtomicLong readsWhileNotLive = new AtomicLong();
    AtomicLong wrongReads = new AtomicLong();
    Thread reader = new Thread(() -> {
      while (reading.get()) {
        for (String key : survivorKeys) {
          boolean liveBefore = metrics.isLive();
          long hits = metrics.getHits();
          String value = near.get(key);
          if (!liveBefore && !metrics.isLive()) {
            readsWhileNotLive.incrementAndGet();
            hitsWhileNotLive.addAndGet(metrics.getHits() - hits);
          }
          if (!"v1".equals(value)) {
            wrongReads.incrementAndGet();
          }
        }
      }
    }, "survivor-reader");
    reader.start();

    victim.kill();
    await("the near cache cleared and not live", Duration.ofSeconds(5),
        () -> metrics.getFullClears() > clears && !metrics.isLive());
    RedisServer promoted = cluster.awaitPromotion(victim, Duration.ofSeconds(30));
    await("the near cache live again", Duration.ofSeconds(30), metrics::isLive);
    reading.set(false);
    join(reader);
    assertThat(readsWhileNotLive.get()).as("reads while not live").isPositive();
    assertThat(hitsWhileNotLive.get()).as("near hits while not live").isZero();
    assertThat(wrongReads.get()).as("reads of the survivors' keys that did not return their value").isZero();

    // The promoted master's writes reach the near cache: its tracking session is live.
    assertThat(cluster.masterOf(caches.slotOf(victimKey))).isSameAs(promoted);
    // (A write the other manager cannot make yet is queued as an invalidation, not thrown: read it back.)
    await("a write on the promoted master", Duration.ofSeconds(30),
        () -> put(other, victimKey, "v2") && "v2".equals(get(other, victimKey)));
    await("the victim's key read from the promoted master", Duration.ofSeconds(10),
        () -> "v2".equals(get(near, victimKey)));
    holdNear(near, victimKey, "v2");
    other.put(victimKey, "v3");
    await("the near entry invalidated by the promoted master's write", Duration.ofSeconds(5),
        () -> "v3".equals(near.get(victimKey)));
    for (String key : survivorKeys) {
      holdNear(near, key, "v1");
      other.put(key, "v3");
      await("the near entry of a survivor's key invalidated", Duration.ofSeconds(5),
          () -> "v3".equals(near.get(key)));
    }

    // No stale read after: readers and writers on keys of the promoted master's slots.
    List<String> promotedKeys = caches.keysInSlotOf(victimKey, 6);
    ReadWriteLoad load = new ReadWriteLoad(near, other, promotedKeys.subList(0, 2), promotedKeys.subList(2, 4),
        promotedKeys.subList(4, 6), 3);
    long hits = metrics.getHits();
    await("near hits of the promoted master's keys", Duration.ofSeconds(10), () -> metrics.getHits() > hits + 500);
    load.stopAndCheck();
  }

  /** Whether the put succeeded (the cluster client may not know the promoted master yet). */
  private static boolean put(Cache<String, String> cache, String key, String value) {
    try {
      cache.put(key, value);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String get(Cache<String, String> cache, String key) {
    try {
      return cache.get(key);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
  }
}
