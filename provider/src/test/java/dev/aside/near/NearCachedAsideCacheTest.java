package dev.aside.near;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.CopyArgs;
import java.io.Serializable;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cache with a near cache, through the JCache API: hits served locally, writes anywhere invalidate them, disconnects clear them. */
@RedisTest
class NearCachedAsideCacheTest {
  /* A server of its own, never REDIS_URI's: these tests FLUSHALL and CLIENT KILL. */
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.privateServer(AsideCachingProvider::new);

  private Cache<String, String> cache(boolean near) {
    return cache(near, new AsideConfiguration<>());
  }

  private Cache<String, String> cache(boolean near, AsideConfiguration<String, String> config) {
    CacheManager manager = redis.newManager();
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

  /** The Redis key of {@code key} in the "users" cache. */
  private static String key(String key) {
    return redis.prefix() + ":users:{" + key + "}";
  }

  /** The near cache's counters; fails when the cache has no near cache. */
  private static NearCacheMetrics metrics(Cache<?, ?> cache) {
    NearCacheMetrics metrics = cache.unwrap(AsideCache.class).nearCacheMetrics();
    assertThat(metrics).as("the cache has a near cache").isNotNull();
    return metrics;
  }

  /** Reads {@code key}, requiring the read to be answered from this JVM's near cache. */
  private static String nearHit(Cache<String, String> cache, String key) {
    NearCacheMetrics metrics = metrics(cache);
    long hits = metrics.getHits();
    long misses = metrics.getMisses();
    String value = cache.get(key);
    assertThat(metrics.getHits()).as("near hits after get(%s)", key).isEqualTo(hits + 1);
    assertThat(metrics.getMisses()).as("near misses after get(%s)", key).isEqualTo(misses);
    return value;
  }

  /** Reads {@code key}, requiring the read to miss the near cache (so to go to Redis). */
  private static String nearMiss(Cache<String, String> cache, String key) {
    NearCacheMetrics metrics = metrics(cache);
    long hits = metrics.getHits();
    long misses = metrics.getMisses();
    String value = cache.get(key);
    assertThat(metrics.getMisses()).as("near misses after get(%s)", key).isEqualTo(misses + 1);
    assertThat(metrics.getHits()).as("near hits after get(%s)", key).isEqualTo(hits);
    return value;
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

  /** Waits for an invalidation of this cache to arrive from Redis after {@code before} had arrived. */
  private static void awaitInvalidationAfter(Cache<?, ?> cache, long before) throws InterruptedException {
    NearCacheMetrics metrics = metrics(cache);
    await("an invalidation from Redis", () -> metrics.getInvalidationsReceived() > before);
  }

  /** Redis also reports this JVM's own write to its invalidation connection: lets that arrive before a fill. */
  private static void putAndAwaitItsInvalidation(Cache<String, String> cache, String key, String value)
      throws InterruptedException {
    long before = metrics(cache).getInvalidationsReceived();
    cache.put(key, value);
    awaitInvalidationAfter(cache, before);
  }

  /** Puts {@code value}, fills the near cache from Redis, and shows that the next read is a near hit. */
  private static void holdNear(Cache<String, String> cache, String key, String value) throws InterruptedException {
    putAndAwaitItsInvalidation(cache, key, value);
    assertThat(nearMiss(cache, key)).as("the read that fills the near cache").isEqualTo(value);
    assertThat(nearHit(cache, key)).as("served from the near cache").isEqualTo(value);
  }

  private long commandsProcessed() {
    return Long.parseLong(redis.redis().info("stats").replaceAll("(?s).*total_commands_processed:(\\d+).*", "$1"));
  }

  @Test
  void hitsAreServedLocallyAndCountAsHits() throws Exception {
    Cache<String, String> b = cache(true);
    holdNear(b, "42", "ann");
    long commands = commandsProcessed();
    for (int i = 0; i < 100; i++) {
      assertThat(b.get("42")).isEqualTo("ann");
    }
    assertThat(commandsProcessed() - commands).as("commands Redis saw for 100 near hits").isLessThan(10);
    assertThat(metrics(b).getHits()).isEqualTo(101);
    assertThat(b.unwrap(AsideCache.class).statistics().getCacheHits()).isEqualTo(102);
  }

  @Test
  void getAllAndContainsKeyAnswerTheKeysTheNearCacheHoldsFromIt() throws Exception {
    Cache<String, String> b = cache(true);
    for (int i = 1; i <= 3; i++) {
      holdNear(b, "k" + i, "v" + i);
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
    holdNear(b, "42", "ann");
    var statistics = b.unwrap(AsideCache.class).statistics();
    statistics.clear();
    long nearHits = metrics(b).getHits();
    for (int i = 0; i < 200_000; i++) {
      b.get("42");
    }
    // A health check late by more than its timeout stops near hits for a moment (by design): a few may be Redis hits.
    assertThat(metrics(b).getHits() - nearHits).as("near hits").isGreaterThan(190_000);
    assertThat(statistics.getCacheHits()).isEqualTo(200_000);
    assertThat(statistics.getAverageGetTime()).as("average get time of near hits, µs").isBetween(0f, 50f);
  }

  /*
   * The read that expires the entry deletes it in Redis; the near entry filled by that same read must
   * go at once, not when Redis's invalidation of the deletion arrives: the next read goes to Redis.
   */
  @Test
  void anAccessThatExpiresTheEntryDropsItsNearEntryAtOnce() throws Exception {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setExpiryPolicyFactory(FactoryBuilder.factoryOf(new ReadOnce()));
    Cache<String, String> b = cache(true, config);
    long fills = metrics(b).getFills();
    for (int i = 0; i < 200; i++) {
      putAndAwaitItsInvalidation(b, "k", "v" + i);
      assertThat(nearMiss(b, "k")).isEqualTo("v" + i);
      assertThat(nearMiss(b, "k")).as("read %d after the access that expired it", i).isNull();
    }
    assertThat(metrics(b).getFills() - fills).as("reads that filled the near cache before it expired")
        .isPositive();
  }

  /* Store-by-value (the JCache default): a near hit of a mutable value is a copy, like a read from Redis. */
  @Test
  void aMutableValueIsCopiedOnEveryNearHit() throws Exception {
    CacheManager manager = redis.newManager();
    AsideConfiguration<String, Date> config = new AsideConfiguration<>();
    config.setTypes(String.class, Date.class);
    config.setStatisticsEnabled(true);
    config.setNearCacheMaxEntries(1_000);
    Cache<String, Date> dates = manager.createCache("dates", config);
    NearCacheMetrics metrics = metrics(dates);
    long invalidations = metrics.getInvalidationsReceived();
    dates.put("d", new Date(1_000));
    await("the invalidation of the own write", () -> metrics.getInvalidationsReceived() > invalidations);
    dates.get("d");                                      // fills the near cache
    long hits = metrics.getHits();

    Date first = dates.get("d");
    first.setTime(2_000);
    Date second = dates.get("d");

    assertThat(metrics.getHits()).as("both reads were near hits").isEqualTo(hits + 2);
    assertThat(second).as("a fresh copy").isNotSameAs(first).isEqualTo(new Date(1_000));
  }

  @Test
  void aClosedCacheThrowsEvenForAKeyItsNearCacheHeld() throws Exception {
    Cache<String, String> b = cache(true);
    holdNear(b, "42", "ann");
    b.close();
    assertThatThrownBy(() -> b.get("42")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aWriteThroughAnotherManagerInvalidatesTheNearEntry() throws Exception {
    Cache<String, String> a = cache(false);
    Cache<String, String> b = cache(true);
    holdNear(b, "k", "v1");

    long invalidations = metrics(b).getInvalidationsReceived();
    a.put("k", "v2");
    awaitInvalidationAfter(b, invalidations);
    assertThat(nearMiss(b, "k")).isEqualTo("v2");
    assertThat(nearHit(b, "k")).isEqualTo("v2");

    invalidations = metrics(b).getInvalidationsReceived();
    a.remove("k");
    awaitInvalidationAfter(b, invalidations);
    assertThat(nearMiss(b, "k")).isNull();
  }

  /* Writes by other programs (redis-cli, a script) reach the near cache as Redis's invalidations. */
  @Test
  void externalWritesInvalidate() throws Exception {
    Cache<String, String> a = cache(false);
    Cache<String, String> b = cache(true);
    a.put("theirs", "written elsewhere");
    holdNear(b, "x", "mine");

    long invalidations = metrics(b).getInvalidationsReceived();
    redis.redis().copy(key("theirs"), key("x"), CopyArgs.Builder.replace(true));
    awaitInvalidationAfter(b, invalidations);
    assertThat(nearMiss(b, "x")).as("after an external write").isEqualTo("written elsewhere");
    assertThat(nearHit(b, "x")).isEqualTo("written elsewhere");

    invalidations = metrics(b).getInvalidationsReceived();
    redis.redis().del(key("x"));
    awaitInvalidationAfter(b, invalidations);
    assertThat(nearMiss(b, "x")).as("after an external delete").isNull();
  }

  /*
   * Redis reports an own write to the invalidation connection only after the write returned; until
   * then the near entry of the previous value must already be gone, or this JVM would read it back.
   */
  @Test
  void ownWritesAreReadBackAtOnce() throws Exception {
    Cache<String, String> b = cache(true);
    holdNear(b, "own", "v0");
    for (int i = 1; i <= 50; i++) {
      long invalidations = metrics(b).getInvalidationsReceived();
      b.put("own", "v" + i);
      assertThat(nearMiss(b, "own")).as("read right after put %d", i).isEqualTo("v" + i);
      awaitInvalidationAfter(b, invalidations);
      assertThat(b.get("own")).as("a hit if the read above was filled after the invalidation").isEqualTo("v" + i);
      assertThat(nearHit(b, "own")).as("held again after put %d", i).isEqualTo("v" + i);
    }
    b.remove("own");
    assertThat(nearMiss(b, "own")).as("read right after remove").isNull();
  }

  /*
   * While the invalidation connection is down, writes go unreported; so its loss clears the near cache,
   * and once it is back the near cache serves hits again and hears about writes again.
   */
  @Test
  void losingTheInvalidationConnectionClearsTheNearCacheAndItRecovers() throws Exception {
    Cache<String, String> b = cache(true);
    Cache<String, String> writer = cache(false);
    writer.put("source2", "v2");
    writer.put("source3", "v3");
    holdNear(b, "k", "v1");
    NearCacheMetrics metrics = metrics(b);
    long clears = metrics.getFullClears();

    redis.killNormalClients();   // every client, the invalidation one included
    await("the near cache cleared", () -> metrics.getFullClears() > clears);
    /* Sent on the raw connection as soon as it is back: likely before the feed is, so never reported. */
    redis.redis().copy(key("source2"), key("k"), CopyArgs.Builder.replace(true));
    await("the invalidation connection live again", metrics::isLive);
    /* The cache's own data connection was killed too: reads fail open (null) until it is back. */
    await("v2 read from Redis", () -> {
      String read = b.get("k");
      assertThat(read).as("a read after the loss").isNotEqualTo("v1");
      return "v2".equals(read);
    });
    assertThat(nearHit(b, "k")).as("served locally again").isEqualTo("v2");

    long invalidations = metrics.getInvalidationsReceived();
    redis.redis().copy(key("source3"), key("k"), CopyArgs.Builder.replace(true));
    awaitInvalidationAfter(b, invalidations);
    assertThat(nearMiss(b, "k")).as("invalidated over the new connection").isEqualTo("v3");
  }

  @Test
  void flushallClearsEverything() throws Exception {
    Cache<String, String> b = cache(true);
    holdNear(b, "k1", "v1");
    holdNear(b, "k2", "v2");
    NearCacheMetrics metrics = metrics(b);
    long clears = metrics.getFullClears();

    redis.flushAll();
    await("the near cache cleared", () -> metrics.getFullClears() > clears);
    assertThat(nearMiss(b, "k1")).isNull();
    assertThat(nearMiss(b, "k2")).isNull();
  }
}
