package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** "Not found" is cached briefly when configured: no loader calls within the negative TTL, and tombstones never show as entries. */
@RedisTest
class NegativeCachingTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  static final AtomicInteger loads = new AtomicInteger();
  /* Long enough that a busy build machine reads the tombstone again well within it. */
  private static final long NEGATIVE_TTL_MILLIS = 3_000;

  /** Finds even keys only. */
  public static final class EvenLoader implements CacheLoader<Integer, String> {
    @Override
    public String load(Integer key) {
      loads.incrementAndGet();
      return key % 2 == 0 ? "user-" + key : null;
    }

    @Override
    public Map<Integer, String> loadAll(Iterable<? extends Integer> keys) {
      Map<Integer, String> found = new HashMap<>();
      keys.forEach(k -> {
        String v = load(k);
        if (v != null) {
          found.put(k, v);
        }
      });
      return found;
    }
  }

  private Cache<Integer, String> cache;

  @BeforeEach
  void create() {
    loads.set(0);
    AsideConfiguration<Integer, String> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(EvenLoader.class));
    config.setNegativeTtl(Duration.ofMillis(NEGATIVE_TTL_MILLIS));
    cache = redis.newManager().createCache("users", config);
  }

  @Test
  void withinTheNegativeTtlAMissingKeyDoesNotReachTheLoader() throws Exception {
    String tombstone = redis.prefix() + ":users:{7}";
    /* Timed from just before the tombstone is written to just after its PTTL: only that much of the TTL passed. */
    long start = System.nanoTime();
    assertThat(cache.get(7)).isNull();
    assertThat(cache.get(7)).isNull();
    assertThat(cache.get(7)).isNull();
    long pttl = redis.redis().pttl(tombstone);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(loads).hasValue(1);
    assertThat(cache.unwrap(AsideCache.class).readPathMetrics().getNegativeHits()).isEqualTo(2);
    // 1 ms more for the rounding of Redis's and the JVM's clocks to whole milliseconds.
    assertThat(pttl).as("PTTL %d ms after the first read began", elapsedMillis)
        .isBetween(NEGATIVE_TTL_MILLIS - elapsedMillis - 1, NEGATIVE_TTL_MILLIS);

    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NEGATIVE_TTL_MILLIS + 10_000);
    while (redis.redis().exists(tombstone) > 0) {
      assertThat(System.nanoTime() - deadline).as("waited for Redis to expire the tombstone").isNegative();
      Thread.sleep(20);
    }
    assertThat(cache.get(7)).isNull();
    assertThat(loads).as("the tombstone expired").hasValue(2);
  }

  @Test
  void tombstonesAreAbsentToEveryOtherRead() {
    cache.get(7);
    cache.get(8);

    assertThat(cache.containsKey(7)).isFalse();
    assertThat(cache.containsKey(8)).isTrue();
    assertThat(cache.getAll(Set.of(7, 8))).containsOnlyKeys(8);
    assertThat(StreamSupport.stream(cache.spliterator(), false).map(Cache.Entry::getKey)).containsExactly(8);
    assertThat(cache.unwrap(AsideCache.class).undecodableReads()).isZero();
  }

  @Test
  void writesReplaceTombstones() {
    cache.get(7);
    cache.get(9);

    assertThat(cache.putIfAbsent(7, "created")).isTrue();
    cache.put(9, "put");

    assertThat(cache.get(7)).isEqualTo("created");
    assertThat(cache.get(9)).isEqualTo("put");
    assertThat(loads).hasValue(2);
  }

  @Test
  void offByDefault() {
    AsideConfiguration<Integer, String> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(EvenLoader.class));
    Cache<Integer, String> plain = redis.newManager().createCache("plain", config);

    plain.get(7);
    plain.get(7);

    assertThat(loads).hasValue(2);
    assertThat(redis.redis().exists(redis.prefix() + ":plain:{7}")).isZero();
  }
}
