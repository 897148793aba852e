package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.near.NearCacheMetrics;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** A {@code redis-sentinel://} URI reaches the master that Sentinel names, for the data and the near cache's invalidations. */
@RedisTest
class SentinelTest {
  @Test
  void cachesLiveOnTheMasterThatSentinelNames() throws Exception {
    try (RedisServer master = RedisServer.start();
        RedisServer sentinel = RedisServer.builder().sentinelOf("orders", master).start()) {
      // Command timeouts of 5 s rather than the default 500 ms, as the testkit's URIs have them, so that a busy
      // build machine does not fail the test.
      CacheManager manager = new AsideCachingProvider().getCacheManager(URI.create("redis-sentinel://127.0.0.1:"
          + sentinel.port() + "?sentinelMasterId=orders&prefix=sent&timeout=5s"), getClass().getClassLoader());
      try {
        Cache<String, String> plain = manager.createCache("plain",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        plain.put("k", "v");
        assertThat(plain.get("k")).isEqualTo("v");

        AsideConfiguration<String, String> nearConfig = new AsideConfiguration<>();
        nearConfig.setTypes(String.class, String.class);
        nearConfig.setNearCacheMaxEntries(100);
        nearConfig.setStatisticsEnabled(true);
        Cache<String, String> near = manager.createCache("near", nearConfig);
        NearCacheMetrics metrics = near.unwrap(AsideCache.class).nearCacheMetrics();
        assertThat(metrics).as("the cache has a near cache").isNotNull();
        long ownInvalidation = metrics.getInvalidationsReceived();
        near.put("a", "1");
        await("the invalidation of the own write", () -> metrics.getInvalidationsReceived() > ownInvalidation);
        assertThat(near.get("a")).isEqualTo("1");
        long hits = metrics.getHits();
        assertThat(near.get("a")).isEqualTo("1");
        assertThat(metrics.getHits()).as("served from the near cache").isEqualTo(hits + 1);

        RedisClient client = RedisClient.create(master.uri());
        try (StatefulRedisConnection<String, String> raw = client.connect()) {
          assertThat(raw.sync().exists("sent:plain:{k}")).as("written to the master").isOne();
        } finally {
          client.shutdown();
        }
        long invalidations = metrics.getInvalidationsReceived();
        CacheManager direct = new AsideCachingProvider()
            .getCacheManager(URI.create(master.uri() + "?prefix=sent&timeout=5s"), getClass().getClassLoader());
        try {
          direct.createCache("near", new MutableConfiguration<String, String>().setTypes(String.class, String.class))
              .put("a", "2");
        } finally {
          direct.close();
        }
        await("an invalidation through the master's tracking",
            () -> metrics.getInvalidationsReceived() > invalidations);
        long misses = metrics.getMisses();
        assertThat(near.get("a")).as("read from Redis after the invalidation").isEqualTo("2");
        assertThat(metrics.getMisses()).as("near misses").isEqualTo(misses + 1);
      } finally {
        manager.close();
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("Timed out after 10 s waiting for: " + what);
      }
      Thread.sleep(5);
    }
  }
}
