package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** A {@code redis-sentinel://} URI reaches the master that Sentinel names, for the data and the near cache's invalidations. */
class SentinelTest {
  @Test
  void cachesLiveOnTheMasterThatSentinelNames() throws Exception {
    try (RedisServer master = RedisServer.start();
        RedisServer sentinel = RedisServer.builder().sentinelOf("orders", master).start()) {
      CacheManager manager = new AsideCachingProvider().getCacheManager(
          URI.create("redis-sentinel://127.0.0.1:" + sentinel.port() + "?sentinelMasterId=orders&prefix=sent"),
          getClass().getClassLoader());
      try {
        Cache<String, String> plain = manager.createCache("plain",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        plain.put("k", "v");
        assertThat(plain.get("k")).isEqualTo("v");

        AsideConfiguration<String, String> nearConfig = new AsideConfiguration<>();
        nearConfig.setTypes(String.class, String.class);
        nearConfig.setNearCacheMaxEntries(100);
        Cache<String, String> near = manager.createCache("near", nearConfig);
        near.put("a", "1");
        assertThat(near.get("a")).isEqualTo("1");

        RedisClient client = RedisClient.create(master.uri());
        try (StatefulRedisConnection<String, String> raw = client.connect()) {
          assertThat(raw.sync().exists("sent:plain:{k}")).as("written to the master").isOne();
        } finally {
          client.shutdown();
        }
        CacheManager direct = new AsideCachingProvider()
            .getCacheManager(URI.create(master.uri() + "?prefix=sent"), getClass().getClassLoader());
        try {
          direct.createCache("near", new MutableConfiguration<String, String>().setTypes(String.class, String.class))
              .put("a", "2");
        } finally {
          direct.close();
        }
        long end = System.nanoTime() + 5_000_000_000L;
        while (!"2".equals(near.get("a")) && System.nanoTime() < end) {
          Thread.sleep(10);
        }
        assertThat(near.get("a")).as("invalidated through the master's tracking").isEqualTo("2");
      } finally {
        manager.close();
      }
    }
  }
}
