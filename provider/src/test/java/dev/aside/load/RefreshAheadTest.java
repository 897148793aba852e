package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Refresh-ahead reloads a hot entry in the background before it expires; readers keep hitting and never wait for the loader. */
@RedisTest
class RefreshAheadTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  static final AtomicInteger loads = new AtomicInteger();

  /** A loader that takes 1 s and returns the number of its call. */
  public static final class SlowCountingLoader implements CacheLoader<String, Integer> {
    @Override
    public Integer load(String key) {
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return loads.incrementAndGet();
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      java.util.Map<String, Integer> loaded = new java.util.HashMap<>();
      for (String key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  @Test
  void aHotEntryIsRefreshedBeforeItExpires() throws Exception {
    AsideConfiguration<String, Integer> config = new AsideConfiguration<>();
    config.setTypes(String.class, Integer.class);
    config.setReadThrough(true);
    config.setStatisticsEnabled(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(SlowCountingLoader.class));
    config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 3_000)));
    config.setRefreshAheadBeta(3);
    Cache<String, Integer> cache = redis.newManager().createCache("hot", config);
    AsideCache<?, ?> aside = cache.unwrap(AsideCache.class);

    assertThat(cache.get("k")).isEqualTo(1);
    List<Long> hitMillis = new ArrayList<>();
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4_000);
    while (System.nanoTime() < end) {
      long start = System.nanoTime();
      assertThat(cache.get("k")).isNotNull();
      hitMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      Thread.sleep(5);
    }

    assertThat(aside.readPathMetrics().getEarlyRefreshes()).isGreaterThanOrEqualTo(2);
    assertThat(cache.get("k")).as("refreshed value").isGreaterThan(1);
    assertThat(aside.statistics().getCacheMisses()).as("never expired under load").isEqualTo(1);
    /*
     * A reader that waited for a load would take about 1 s, and with two refreshes or more, two readers would.
     * One hit of 750 ms or more is allowed for a pause of a loaded machine (a GC, a descheduled thread); a second
     * means a reader waited for the loader. The typical hit takes a Redis round trip, far less than the loader.
     */
    List<Long> slowHits = hitMillis.stream().filter(millis -> millis >= 750).toList();
    assertThat(slowHits).as("hits of 750 ms or more, of %d", hitMillis.size()).hasSizeLessThanOrEqualTo(1);
    List<Long> sorted = hitMillis.stream().sorted().toList();
    assertThat(sorted.get(sorted.size() / 2)).as("median hit, ms").isLessThan(250);
  }
}
