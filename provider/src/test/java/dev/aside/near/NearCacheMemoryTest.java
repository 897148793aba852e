package dev.aside.near;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The near cache's memory bounds, through the JCache API: bytes weighed, both bounds at once, heavy values left in Redis. */
class NearCacheMemoryTest {
  private static final int KIB = 1024;
  private static RedisServer server;
  private final List<CacheManager> managers = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeManagers() {
    managers.forEach(CacheManager::close);
    managers.clear();
  }

  @Test
  void theByteBoundEvictsByWeightWhereTheCountBoundWouldKeepEverything() throws Exception {
    long maxBytes = 4L << 20;
    Cache<Integer, byte[]> cache = cache(new AsideConfiguration<Integer, byte[]>().setNearCacheMaxBytes(maxBytes));
    int entries = 100;
    int valueBytes = 100 * KIB;                          // 10 MB in all; 1/16 of the bound is 256 KiB
    putAll(cache, entries, valueBytes);
    for (int i = 0; i < entries; i++) {
      assertThat(cache.get(i)).hasSize(valueBytes);      // each read fills the near cache
    }
    NearCacheMetrics metrics = metrics(cache);
    assertThat(metrics.getFills()).isEqualTo(entries);
    // Caffeine counts an entry in its map at once but weighs it when its maintenance runs: wait for both.
    // Caffeine reports removals (the eviction counters) later still, from its executor.
    await("evictions to bring the weight under the bound, and to be counted",
        () -> metrics.getWeightedSize() <= maxBytes && metrics.getSize() * valueBytes <= maxBytes
            && metrics.getEvictions() == entries - metrics.getSize());

    assertThat(metrics.getMaxBytes()).isEqualTo(maxBytes);
    assertThat(metrics.getSize() * valueBytes).as("bytes of values held").isLessThanOrEqualTo(maxBytes);
    assertThat(metrics.getSize()).as("entries held").isBetween(30L, 40L);
    assertThat(metrics.getEvictions()).isEqualTo(entries - metrics.getSize());
    assertThat(metrics.getEvictedBytes()).isGreaterThan(metrics.getEvictions() * valueBytes);
  }

  @Test
  void withACountBoundTooEachEntryWeighsAtLeastItsShareOfTheBytes() throws Exception {
    long maxBytes = 64L << 20;
    Cache<Integer, byte[]> cache = cache(new AsideConfiguration<Integer, byte[]>()
        .setNearCacheMaxEntries(10).setNearCacheMaxBytes(maxBytes));
    putAll(cache, 50, 10);
    for (int i = 0; i < 50; i++) {
      cache.get(i);
    }
    NearCacheMetrics metrics = metrics(cache);
    assertThat(metrics.getFills()).isEqualTo(50);
    await("the count bound to hold, and evictions to be counted", () -> metrics.getSize() <= 10
        && metrics.getEvictions() == 50 - metrics.getSize()
        && metrics.getWeightedSize() == metrics.getSize() * (maxBytes / 10));
    assertThat(metrics.getWeightedSize()).isEqualTo(metrics.getSize() * (maxBytes / 10));
    assertThat(metrics.getEvictions()).isEqualTo(50 - metrics.getSize());
  }

  @Test
  void aValueAboveOneSixteenthOfTheBoundIsServedFromRedisButNotKeptLocally() throws Exception {
    Cache<Integer, byte[]> cache = cache(new AsideConfiguration<Integer, byte[]>().setNearCacheMaxBytes(1L << 20));
    byte[] heavy = filled(65 * KIB, 7);                  // 1/16 of 1 MiB is 64 KiB
    byte[] light = filled(60 * KIB, 8);
    putAndAwaitInvalidations(cache, () -> {
      cache.put(1, heavy);
      cache.put(2, light);
    }, 2);

    for (int i = 0; i < 3; i++) {
      assertThat(cache.get(1)).isEqualTo(heavy);
      assertThat(cache.get(2)).isEqualTo(light);
    }
    NearCacheMetrics metrics = metrics(cache);
    assertThat(metrics.getTooLargeNotKept()).as("reads of the heavy value not kept").isEqualTo(3);
    assertThat(metrics.getFills()).as("the light value, kept once").isEqualTo(1);
    assertThat(metrics.getHits()).as("the light value's later reads").isEqualTo(2);
  }

  @Test
  void aCountBoundAloneStillHasTheDefaultByteBound() throws Exception {
    Cache<Integer, byte[]> cache = cache(new AsideConfiguration<Integer, byte[]>().setNearCacheMaxEntries(10_000));
    assertThat(metrics(cache).getMaxBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 20);
  }

  private Cache<Integer, byte[]> cache(AsideConfiguration<Integer, byte[]> config) {
    CacheManager manager = new AsideCachingProvider()
        .getCacheManager(URI.create(server.uri() + "?prefix=mem" + managers.size()), getClass().getClassLoader());
    managers.add(manager);
    config.setTypes(Integer.class, byte[].class);
    config.setStatisticsEnabled(true);
    return manager.createCache("blobs", config);
  }

  /** Puts {@code count} values and waits for their invalidations, so that no later fill is dropped by one. */
  private static void putAll(Cache<Integer, byte[]> cache, int count, int valueBytes) throws Exception {
    putAndAwaitInvalidations(cache, () -> {
      for (int i = 0; i < count; i++) {
        cache.put(i, filled(valueBytes, i));
      }
    }, count);
  }

  private static void putAndAwaitInvalidations(Cache<Integer, byte[]> cache, Runnable writes, int count)
      throws Exception {
    NearCacheMetrics metrics = metrics(cache);
    long before = metrics.getInvalidationsReceived();
    writes.run();
    await("invalidations of the writes", () -> metrics.getInvalidationsReceived() >= before + count);
  }

  private static byte[] filled(int length, int value) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static NearCacheMetrics metrics(Cache<?, ?> cache) {
    return cache.unwrap(AsideCache.class).nearCacheMetrics();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }
}
