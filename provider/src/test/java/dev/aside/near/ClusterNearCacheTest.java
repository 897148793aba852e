package dev.aside.near;

import static dev.aside.near.ClusterCaches.await;
import static dev.aside.near.ClusterCaches.clientIdOn;
import static dev.aside.near.ClusterCaches.holdNear;
import static dev.aside.near.ClusterCaches.metrics;
import static dev.aside.near.ClusterCaches.nearMiss;
import static dev.aside.near.ClusterCaches.onNode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.KillArgs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A near cache on a 3-master Redis Cluster: every master's writes invalidate it, across a slot migration too. */
@RedisTest
class ClusterNearCacheTest {
  private static RedisCluster cluster;
  private ClusterCaches caches;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3, 0);
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
  void aWriteThroughAnotherManagerInvalidatesTheKeysOfEveryMaster() {
    Cache<String, String> near = caches.nearCache();
    Cache<String, String> other = caches.plainCache();
    Map<RedisServer, String> keys = caches.oneKeyPerMaster();
    assertThat(keys).hasSize(3);
    for (String key : keys.values()) {
      other.put(key, "v1");
      holdNear(near, key, "v1");
    }

    for (Map.Entry<RedisServer, String> key : keys.entrySet()) {
      other.put(key.getValue(), "v2");
      await("the near entry of " + key.getValue() + " (on " + key.getKey() + ") invalidated by another manager's write",
          Duration.ofSeconds(5), () -> "v2".equals(near.get(key.getValue())));
      holdNear(near, key.getValue(), "v2");
    }
    assertThat(metrics(near).isLive()).isTrue();
  }

  @Test
  void flushAllOnOneMasterClearsTheNearCache() {
    Cache<String, String> near = caches.nearCache();
    Cache<String, String> other = caches.plainCache();
    Map<RedisServer, String> keys = caches.oneKeyPerMaster();
    keys.values().forEach(key -> other.put(key, "v1"));
    keys.values().forEach(key -> holdNear(near, key, "v1"));
    long clears = metrics(near).getFullClears();

    RedisServer flushed = keys.keySet().iterator().next();
    onNode(flushed, redis -> redis.flushall());

    await("the near cache cleared", Duration.ofSeconds(5), () -> metrics(near).getFullClears() > clears);
    for (Map.Entry<RedisServer, String> key : keys.entrySet()) {
      assertThat(nearMiss(near, key.getValue())).as("read of %s from Redis", key.getValue())
          .isEqualTo(key.getKey() == flushed ? null : "v1");
    }
  }

  @Test
  void aLostTrackingConnectionOnOneMasterClearsAndTrackingRecoversThere() {
    Cache<String, String> near = caches.nearCache();
    Cache<String, String> other = caches.plainCache();
    Map<RedisServer, String> keys = caches.oneKeyPerMaster();
    keys.values().forEach(key -> other.put(key, "v1"));
    keys.values().forEach(key -> holdNear(near, key, "v1"));
    long clears = metrics(near).getFullClears();
    RedisServer master = keys.keySet().iterator().next();
    String key = keys.get(master);
    long feedConnection = clientIdOn(master, caches.feedClientName(1));
    assertThat(feedConnection).as("the feed's connection on %s", master).isPositive();

    onNode(master, redis -> redis.clientKill(KillArgs.Builder.id(feedConnection)));

    await("the near cache cleared", Duration.ofSeconds(5), () -> metrics(near).getFullClears() > clears);
    keys.values().forEach(k -> assertThat(nearMiss(near, k)).isEqualTo("v1"));
    await("the feed live again", Duration.ofSeconds(10), () -> metrics(near).isLive());
    long again = clientIdOn(master, caches.feedClientName(1));
    assertThat(again).as("a new tracking connection on %s", master).isPositive().isNotEqualTo(feedConnection);
    holdNear(near, key, "v1");
    other.put(key, "v2");
    await("the near entry invalidated through the new connection", Duration.ofSeconds(5),
        () -> "v2".equals(near.get(key)));
  }

  /* See ReadWriteLoad: an own writer, whose writes are read at once, and another manager's, through tracking. */
  @Test
  void aSlotMigratedUnderLoadServesNoReadOlderThanTheLastCompletedWrite() {
    Cache<String, String> near = caches.nearCache();
    Cache<String, String> other = caches.plainCache();
    List<String> keys = caches.keysInSlotOf("k0", 10);
    int slot = caches.slotOf("k0");
    RedisServer source = cluster.masterOf(slot);
    RedisServer target = cluster.masters().stream().filter(m -> m != source).findFirst().orElseThrow();
    NearCacheMetrics metrics = metrics(near);

    ReadWriteLoad load = new ReadWriteLoad(near, other, keys.subList(0, 4), keys.subList(4, 8), keys.subList(8, 10), 3);
    await("reads before the migration", Duration.ofSeconds(10), () -> load.reads() > 500);
    long hitsBefore = metrics.getHits();
    cluster.migrateSlot(slot, target);
    long hitsMoved = metrics.getHits();
    await("near hits after the migration", Duration.ofSeconds(10), () -> metrics.getHits() > hitsMoved + 500);
    // The other manager's last writes were applied by the target: its session must report them.
    load.stopAndCheck();

    assertThat(hitsMoved).as("near hits while the slot moved").isGreaterThan(hitsBefore);
    assertThat(cluster.masterOf(slot)).isSameAs(target);
    assertThat(metrics.isLive()).isTrue();
  }
}
