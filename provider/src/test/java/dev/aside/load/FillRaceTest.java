package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value loaded before a write or removal is never stored over it, with a put that is one plain {@code SET}
 * (no lease voided): each race is made deterministic with a loader that reads the "database", then waits on a
 * latch while another cache manager writes, and only then returns the older value to be filled.
 */
@RedisTest
class FillRaceTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  static final ConcurrentHashMap<Integer, Long> database = new ConcurrentHashMap<>();
  static final AtomicInteger loaderCalls = new AtomicInteger();
  /** The loader call with this number (1 = the first) waits on {@link #gate} after reading the database. */
  static volatile int gatedCall;
  static volatile CountDownLatch gate;
  static volatile CountDownLatch hasRead;
  /** How long ungated loader calls take (refresh-ahead needs a load time to weigh). */
  static volatile int loaderMillis;

  @AfterEach
  void reset() {
    database.clear();
    loaderCalls.set(0);
    gatedCall = 0;
    gate = null;
    hasRead = null;
    loaderMillis = 0;
  }

  /** Reads the database; the gated call then waits for the test's writes before returning what it read. */
  public static final class GatedLoader implements CacheLoader<Integer, Long> {
    @Override
    public Long load(Integer key) {
      int call = loaderCalls.incrementAndGet();
      Long version = database.get(key);
      try {
        if (call == gatedCall) {
          hasRead.countDown();
          gate.await(20, TimeUnit.SECONDS);
        } else if (loaderMillis > 0) {
          Thread.sleep(loaderMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return version;
    }

    @Override
    public Map<Integer, Long> loadAll(Iterable<? extends Integer> keys) {
      Map<Integer, Long> loaded = new HashMap<>();
      for (Integer key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  private static AsideConfiguration<Integer, Long> config() {
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, Long.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(GatedLoader.class));
    return config;
  }

  private static void armGate(int call) {
    gatedCall = call;
    gate = new CountDownLatch(1);
    hasRead = new CountDownLatch(1);
  }

  /** The entry's bytes in Redis as text (the JSON of a Long ends them), or null. */
  private static String stored(String cache) {
    return redis.redis().get(redis.prefix() + ":" + cache + ":{1}");
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited 20 s for " + what).isNegative();
      Thread.sleep(2);
    }
  }

  @Test
  void aPutDuringAMissLoadIsNotOverwrittenByTheLoadedValue() throws Exception {
    Cache<Integer, Long> readerCache = redis.newManager().createCache("puts", config());
    Cache<Integer, Long> writerCache = redis.newManager().createCache("puts", config());
    AsideCache<?, ?> reader = readerCache.unwrap(AsideCache.class);
    database.put(1, 1L);
    armGate(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      Future<Long> read = pool.submit(() -> readerCache.get(1));
      assertThat(hasRead.await(20, TimeUnit.SECONDS)).isTrue();       // the load read version 1

      database.put(1, 2L);
      writerCache.put(1, 2L);                                         // one SET; the lease stays in place
      gate.countDown();                                               // the load now tries to fill version 1

      assertThat(read.get(20, TimeUnit.SECONDS)).as("the read answers the put's value").isEqualTo(2L);
      assertThat(reader.readPathMetrics().getStaleFillsRejected()).isEqualTo(1);
      assertThat(stored("puts")).endsWith("2");
      assertThat(readerCache.get(1)).isEqualTo(2L);
      assertThat(loaderCalls.get()).as("the put's value was found, not loaded again").isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A put during the load, then a removal of each kind: the fill (of version 1) must not revive the entry. */
  @ParameterizedTest
  @ValueSource(strings = {"remove", "removeIfEquals", "getAndRemove", "removeAll", "invokeRemove", "clear"})
  void aRemovalDuringAMissLoadVoidsItsFill(String removal) throws Exception {
    Cache<Integer, Long> readerCache = redis.newManager().createCache("removals", config());
    Cache<Integer, Long> writerCache = redis.newManager().createCache("removals", config());
    AsideCache<?, ?> reader = readerCache.unwrap(AsideCache.class);
    database.put(1, 1L);
    armGate(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      Future<Long> read = pool.submit(() -> readerCache.get(1));
      assertThat(hasRead.await(20, TimeUnit.SECONDS)).isTrue();

      database.put(1, 2L);
      writerCache.put(1, 2L);
      database.put(1, 3L);
      switch (removal) {
        case "remove" -> assertThat(writerCache.remove(1)).isTrue();
        case "removeIfEquals" -> assertThat(writerCache.remove(1, 2L)).isTrue();
        case "getAndRemove" -> assertThat(writerCache.getAndRemove(1)).isEqualTo(2L);
        case "removeAll" -> writerCache.removeAll(Set.of(1));
        case "invokeRemove" -> writerCache.invoke(1, (entry, args) -> {
          entry.remove();
          return null;
        });
        case "clear" -> writerCache.clear();
        default -> throw new IllegalArgumentException(removal);
      }
      assertThat(stored("removals")).isNull();
      gate.countDown();

      assertThat(read.get(20, TimeUnit.SECONDS)).as("the read reloads after the removal").isEqualTo(3L);
      assertThat(reader.readPathMetrics().getStaleFillsRejected()).isEqualTo(1);
      String stored = stored("removals");
      assertThat(stored == null || stored.endsWith("3")).as("cached: %s", stored).isTrue();
      assertThat(readerCache.get(1)).isEqualTo(3L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPutDuringARefreshAheadIsNotOverwrittenByTheRefreshedValue() throws Exception {
    AsideConfiguration<Integer, Long> config = config();
    // A 100 ms load weighed by beta 100 against a 5 s TTL: most hits start a refresh.
    config.setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(new Duration(TimeUnit.SECONDS, 5)));
    config.setRefreshAheadBeta(100);
    Cache<Integer, Long> readerCache = redis.newManager().createCache("refreshes", config);
    Cache<Integer, Long> writerCache = redis.newManager().createCache("refreshes", config);
    AsideCache<?, ?> reader = readerCache.unwrap(AsideCache.class);
    database.put(1, 1L);
    loaderMillis = 100;
    assertThat(readerCache.get(1)).isEqualTo(1L);
    armGate(2);
    await(() -> {
      assertThat(readerCache.get(1)).isEqualTo(1L);
      return reader.readPathMetrics().getEarlyRefreshes() > 0;
    }, "a refresh-ahead");
    assertThat(hasRead.await(20, TimeUnit.SECONDS)).isTrue();         // the refresh read version 1 again

    database.put(1, 2L);
    writerCache.put(1, 2L);                                           // one SET, while the refresh holds the lease
    gate.countDown();                                                 // the refresh tries to fill version 1
    await(() -> reader.readPathMetrics().getStaleFillsRejected() > 0, "the refresh's fill to be rejected");

    assertThat(stored("refreshes")).endsWith("2");
    assertThat(readerCache.get(1)).isEqualTo(2L);
    assertThat(redis.redis().pttl(redis.prefix() + ":refreshes:{1}")).as("the put's TTL").isPositive();
  }

  /** Entries never expire once created; an update or an access (as the test says) expires them at once. */
  public static final class ExpiresAtOnce implements ExpiryPolicy {
    static volatile boolean onAccess;

    @Override
    public Duration getExpiryForCreation() {
      return Duration.ETERNAL;
    }

    @Override
    public Duration getExpiryForAccess() {
      return onAccess ? Duration.ZERO : null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return onAccess ? null : Duration.ZERO;
    }
  }

  /** A put during the load, then an update or an access that expires the entry at once: a deletion, so the fill is void. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anEntryExpiredAtOnceDuringAMissLoadIsNotRevivedByTheFill(boolean onAccess) throws Exception {
    ExpiresAtOnce.onAccess = onAccess;
    AsideConfiguration<Integer, Long> config = config();
    config.setExpiryPolicyFactory(FactoryBuilder.factoryOf(ExpiresAtOnce.class));
    Cache<Integer, Long> readerCache = redis.newManager().createCache("expiries", config);
    Cache<Integer, Long> writerCache = redis.newManager().createCache("expiries", config);
    AsideCache<?, ?> reader = readerCache.unwrap(AsideCache.class);
    database.put(1, 1L);
    armGate(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      Future<Long> read = pool.submit(() -> readerCache.get(1));
      assertThat(hasRead.await(20, TimeUnit.SECONDS)).isTrue();

      database.put(1, 2L);
      writerCache.put(1, 2L);
      if (onAccess) {
        assertThat(writerCache.get(1)).isEqualTo(2L);                 // the access deletes the entry
      } else {
        database.put(1, 3L);
        writerCache.put(1, 3L);                                       // the update deletes the entry
      }
      long expected = onAccess ? 2L : 3L;
      await(() -> stored("expiries") == null, "the entry to be deleted");
      gate.countDown();

      assertThat(read.get(20, TimeUnit.SECONDS)).as("the read reloads after the deletion").isEqualTo(expected);
      assertThat(reader.readPathMetrics().getStaleFillsRejected()).isEqualTo(1);
      String stored = stored("expiries");
      assertThat(stored == null || stored.endsWith(Long.toString(expected))).as("cached: %s", stored).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }
}
