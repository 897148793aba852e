package dev.aside.near;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cache with a near cache, through the JCache API: hits served locally, writes anywhere invalidate them, disconnects clear them. */
class NearCachedAsideCacheTest {
  private static RedisServer server;
  private static RedisClient rawClient;
  private static StatefulRedisConnection<String, String> raw;
  private final List<CacheManager> managers = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = RedisServer.startOrExternal();
    rawClient = RedisClient.create(server.uri());
    raw = rawClient.connect();
  }

  @AfterAll
  static void stop() {
    raw.close();
    rawClient.shutdown();
    server.close();
  }

  @AfterEach
  void closeManagers() {
    managers.forEach(CacheManager::close);
    managers.clear();
    raw.sync().flushall();
  }

  private Cache<String, String> cache(boolean near) {
    return cache(near, new AsideConfiguration<>());
  }

  private Cache<String, String> cache(boolean near, AsideConfiguration<String, String> config) {
    CacheManager manager = new AsideCachingProvider()
        .getCacheManager(URI.create(server.uri() + "?prefix=near"), getClass().getClassLoader());
    managers.add(manager);
    config.setTypes(String.class, String.class);
    config.setStatisticsEnabled(true);
    if (near) {
      config.setNearCacheMaxEntries(1_000);
    }
    return manager.createCache("users", config);
  }

  /** Entries live until they are read once: creation eternal, access zero (the TCK's expire_whenAccessed). */
  public static final class ReadOnce implements ExpiryPolicy, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Duration getExpiryForCreation() {
      return Duration.ETERNAL;
    }

    @Override
    public Duration getExpiryForAccess() {
      return Duration.ZERO;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return null;
    }
  }

  private static NearCacheMetrics metrics(Cache<?, ?> cache) throws Exception {
    return cache.unwrap(AsideCache.class).nearCacheMetrics();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  /** Redis also reports this JVM's own write to its invalidation connection: lets that arrive before a fill. */
  private static void putAndAwaitItsInvalidation(Cache<String, String> cache, String key, String value)
      throws Exception {
    long before = metrics(cache).getInvalidationsReceived();
    cache.put(key, value);
    await(() -> {
      try {
        return metrics(cache).getInvalidationsReceived() > before;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void hitsAreServedLocallyAndCountAsHits() throws Exception {
    Cache<String, String> b = cache(true);
    putAndAwaitItsInvalidation(b, "42", "ann");
    assertThat(b.get("42")).isEqualTo("ann");            // fills the near cache
    long commands = Long.parseLong(raw.sync().info("stats").replaceAll("(?s).*total_commands_processed:(\\d+).*", "$1"));
    for (int i = 0; i < 100; i++) {
      assertThat(b.get("42")).isEqualTo("ann");
    }
    long after = Long.parseLong(raw.sync().info("stats").replaceAll("(?s).*total_commands_processed:(\\d+).*", "$1"));
    assertThat(after - commands).as("commands Redis saw for 100 near hits").isLessThan(10);
    assertThat(metrics(b).getHits()).isGreaterThanOrEqualTo(100);
    assertThat(b.unwrap(AsideCache.class).statistics().getCacheHits()).isEqualTo(101);
  }

  @Test
  void getAllAndContainsKeyAnswerTheKeysTheNearCacheHoldsFromIt() throws Exception {
    Cache<String, String> b = cache(true);
    for (int i = 1; i <= 3; i++) {
      putAndAwaitItsInvalidation(b, "k" + i, "v" + i);
      b.get("k" + i);                                    // fills the near cache
    }
    var statistics = b.unwrap(AsideCache.class).statistics();
    statistics.clear();
    long nearHits = metrics(b).getHits();

    assertThat(b.getAll(Set.of("k1", "k2", "k3", "k4")))
        .containsExactlyInAnyOrderEntriesOf(Map.of("k1", "v1", "k2", "v2", "k3", "v3"));

    assertThat(metrics(b).getHits() - nearHits).as("keys answered by the near cache").isEqualTo(3);
    assertThat(statistics.getCacheHits()).isEqualTo(3);
    assertThat(statistics.getCacheMisses()).isEqualTo(1);

    assertThat(b.containsKey("k1")).isTrue();
    assertThat(metrics(b).getHits() - nearHits).as("containsKey answered by the near cache too").isEqualTo(4);
    assertThat(statistics.getCacheHits()).as("containsKey is no get").isEqualTo(3);
  }

  /*
   * Near hits are timed with the near cache's 1 ms clock: each reads 0 or 1,000 µs, and the mean over
   * many is the true one. A mistimed hit (a start of 0, say) would put the average in the years.
   */
  @Test
  void theAverageGetTimeOfNearHitsIsTheirTimeOnAverage() throws Exception {
    Cache<String, String> b = cache(true);
    putAndAwaitItsInvalidation(b, "42", "ann");
    b.get("42");
    var statistics = b.unwrap(AsideCache.class).statistics();
    statistics.clear();
    for (int i = 0; i < 200_000; i++) {
      b.get("42");
    }
    assertThat(statistics.getCacheHits()).isEqualTo(200_000);
    assertThat(statistics.getAverageGetTime()).as("average get time of near hits, µs").isBetween(0f, 50f);
  }

  /*
   * The read that expires the entry deletes it in Redis; the near entry filled by that same read must
   * go at once, not when Redis's invalidation of the deletion arrives.
   */
  @Test
  void anAccessThatExpiresTheEntryDropsItsNearEntryAtOnce() {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setExpiryPolicyFactory(FactoryBuilder.factoryOf(new ReadOnce()));
    Cache<String, String> b = cache(true, config);
    for (int i = 0; i < 200; i++) {
      b.put("k", "v" + i);
      assertThat(b.get("k")).isEqualTo("v" + i);
      assertThat(b.get("k")).as("read %d after the access that expired it", i).isNull();
    }
  }

  @Test
  void aClosedCacheThrowsEvenForAKeyItsNearCacheHeld() throws Exception {
    Cache<String, String> b = cache(true);
    putAndAwaitItsInvalidation(b, "42", "ann");
    b.get("42");
    assertThat(b.get("42")).isEqualTo("ann");
    assertThat(metrics(b).getHits()).as("served from the near cache before close").isEqualTo(1);
    b.close();
    assertThatThrownBy(() -> b.get("42")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aWriteThroughAnotherManagerInvalidatesTheNearEntry() throws Exception {
    Cache<String, String> a = cache(false);
    Cache<String, String> b = cache(true);
    a.put("k", "v1");
    assertThat(b.get("k")).isEqualTo("v1");
    long invalidations = metrics(b).getInvalidationsReceived();

    a.put("k", "v2");
    await(() -> {
      try {
        return metrics(b).getInvalidationsReceived() > invalidations;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(b.get("k")).isEqualTo("v2");

    a.remove("k");
    await(() -> b.get("k") == null);
  }

  @Test
  void externalWritesInvalidate() throws Exception {
    Cache<String, String> b = cache(true);
    b.put("x", "mine");
    assertThat(b.get("x")).isEqualTo("mine");

    raw.sync().del("near:users:{x}");
    await(() -> b.get("x") == null);
  }

  @Test
  void ownWritesAreReadBackAtOnce() {
    Cache<String, String> b = cache(true);
    for (int i = 0; i < 200; i++) {
      b.put("own", "v" + i);
      assertThat(b.get("own")).isEqualTo("v" + i);
    }
    b.remove("own");
    assertThat(b.get("own")).isNull();
  }

  @Test
  void losingTheInvalidationConnectionClearsTheNearCacheAndItRecovers() throws Exception {
    Cache<String, String> b = cache(true);
    b.put("k", "v1");
    assertThat(b.get("k")).isEqualTo("v1");
    long clears = metrics(b).getFullClears();

    raw.sync().clientKill(io.lettuce.core.KillArgs.Builder.typeNormal());   // every client, the tracking one included
    await(() -> {
      try {
        return metrics(b).getFullClears() > clears || !metrics(b).isLive();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    raw.sync().set("near:users:{k}", raw.sync().get("near:users:{k}"));     // no-op write while disconnected
    await(() -> {
      try {
        return metrics(b).isLive();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Cache<String, String> writer = cache(false);
    writer.put("k", "v2");
    await(() -> "v2".equals(b.get("k")));
  }

  @Test
  void flushallClearsEverything() throws Exception {
    Cache<String, String> b = cache(true);
    b.put("k", "v");
    assertThat(b.get("k")).isEqualTo("v");

    raw.sync().flushall();
    await(() -> b.get("k") == null);
  }
}
