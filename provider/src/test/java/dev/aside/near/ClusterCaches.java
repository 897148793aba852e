package dev.aside.near;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * Caches with and without a near cache on a test's {@link RedisCluster}, each manager with a provider of its
 * own (as another JVM would have), closed by {@link #close()}; and the waits and raw node commands the
 * cluster near-cache tests share.
 */
final class ClusterCaches implements AutoCloseable {
  static final String CACHE = "users";

  private final RedisCluster cluster;
  private final String prefix = "cn" + UUID.randomUUID().toString().substring(0, 8);
  private final List<AsideCachingProvider> providers = new ArrayList<>();
  private int managers;

  ClusterCaches(RedisCluster cluster) {
    this.cluster = cluster;
  }

  /** The shared key prefix of this test's managers. */
  String prefix() {
    return prefix;
  }

  /** A new manager's cache with a near cache (entries kept locally up to 10 minutes). */
  Cache<String, String> nearCache() {
    return cache(true);
  }

  /** A new manager's cache without a near cache: the writes of another JVM. */
  Cache<String, String> plainCache() {
    return cache(false);
  }

  /** The client name of the {@code n}-th manager made (from 1), as its invalidation connections show it. */
  String feedClientName(int n) {
    return prefix + "-m" + n + "-invalidations";
  }

  private Cache<String, String> cache(boolean near) {
    AsideCachingProvider provider = new AsideCachingProvider();
    providers.add(provider);
    managers++;
    URI uri = URI.create(cluster.uri() + "?prefix=" + prefix + "&timeout=5s&clientName=" + prefix + "-m" + managers);
    CacheManager manager = provider.getCacheManager(uri, ClusterCaches.class.getClassLoader());
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setStatisticsEnabled(true);
    if (near) {
      config.setNearCacheMaxEntries(10_000);
      config.setNearCacheLifetime(Duration.ofMinutes(10));
    }
    return manager.createCache(CACHE, config);
  }

  /** The Redis key of {@code key} in the cache. */
  String redisKey(String key) {
    return prefix + ":" + CACHE + ":{" + key + "}";
  }

  /** The hash slot of {@code key}'s entry. */
  int slotOf(String key) {
    return RedisCluster.slot(redisKey(key));
  }

  /** One key per master of the cluster now, by master, found among k0, k1, ... */
  Map<RedisServer, String> oneKeyPerMaster() {
    Map<RedisServer, String> keys = new LinkedHashMap<>();
    int masters = cluster.masters().size();
    for (int i = 0; keys.size() < masters; i++) {
      keys.putIfAbsent(cluster.masterOf(slotOf("k" + i)), "k" + i);
    }
    return keys;
  }

  /** {@code count} keys whose entries share one hash slot, the slot of {@code first}. */
  List<String> keysInSlotOf(String first, int count) {
    int slot = slotOf(first);
    List<String> keys = new ArrayList<>(List.of(first));
    for (int i = 0; keys.size() < count; i++) {
      if (slotOf("s" + i) == slot) {
        keys.add("s" + i);
      }
    }
    return keys;
  }

  static NearCacheMetrics metrics(Cache<?, ?> cache) {
    NearCacheMetrics metrics = cache.unwrap(AsideCache.class).nearCacheMetrics();
    assertThat(metrics).as("the cache has a near cache").isNotNull();
    return metrics;
  }

  /**
   * Reads {@code key} until the read is a near hit returning {@code value}: the first read fills, but a fill
   * is dropped while the invalidation of an earlier write of the key is still on its way.
   */
  static void holdNear(Cache<String, String> cache, String key, String value) {
    NearCacheMetrics metrics = metrics(cache);
    await("a near hit of " + key, Duration.ofSeconds(10), () -> {
      long hits = metrics.getHits();
      String read = cache.get(key);
      return value.equals(read) && metrics.getHits() == hits + 1;
    });
  }

  /** Reads {@code key} and requires the read to have gone to Redis (no near hit). */
  static String nearMiss(Cache<String, String> cache, String key) {
    NearCacheMetrics metrics = metrics(cache);
    long hits = metrics.getHits();
    String value = cache.get(key);
    assertThat(metrics.getHits()).as("near hits after get(%s)", key).isEqualTo(hits);
    return value;
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting for: " + what, e);
      }
    }
  }

  /** Runs commands on one node directly (not through the cluster client). */
  static void onNode(RedisServer node, Consumer<io.lettuce.core.api.sync.RedisCommands<String, String>> commands) {
    RedisClient client = RedisClient.create(node.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      commands.accept(connection.sync());
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** The {@code CLIENT ID} of the connection named {@code name} on {@code node}, or -1. */
  static long clientIdOn(RedisServer node, String name) {
    long[] id = {-1};
    onNode(node, redis -> {
      for (String line : redis.clientList().split("\n")) {
        if (line.contains(" name=" + name + " ")) {
          id[0] = Long.parseLong(line.replaceAll("^id=(\\d+) .*", "$1").trim());
        }
      }
    });
    return id[0];
  }

  @Override
  public void close() {
    for (AsideCachingProvider provider : providers) {
      provider.close();
    }
  }
}
