package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed's race — a reader loads v1, a writer updates the database and invalidates, the reader
 * then caches v1 — ends with v2 or nothing cached, never v1; and no read that begins after an
 * invalidation returned sees the older value.
 */
@RedisTest
class NoStaleSetTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  /** The "database": key → version. */
  static final ConcurrentHashMap<Integer, AtomicLong> database = new ConcurrentHashMap<>();
  /** Loader calls wait here after reading the database, when a test arms it. */
  static volatile CountDownLatch loaderGate;
  static volatile CountDownLatch loaderHasRead;
  static final AtomicInteger loaderCalls = new AtomicInteger();
  static volatile int loaderMaxSleepMicros;

  @AfterEach
  void reset() {
    database.clear();
    loaderGate = null;
    loaderHasRead = null;
    loaderCalls.set(0);
    loaderMaxSleepMicros = 0;
  }

  /** Reads the version from the database, then (optionally) stalls before returning it. */
  public static final class VersionLoader implements CacheLoader<Integer, Long> {
    @Override
    public Long load(Integer key) {
      try {
        return read(key);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private Long read(Integer key) throws InterruptedException {
      loaderCalls.incrementAndGet();
      AtomicLong row = database.get(key);
      Long version = row == null ? null : row.get();
      CountDownLatch gate = loaderGate;
      if (gate != null && loaderCalls.get() == 1) {
        loaderHasRead.countDown();
        gate.await(10, TimeUnit.SECONDS);
      }
      int sleep = loaderMaxSleepMicros;
      if (sleep > 0) {
        TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(sleep));
      }
      return version;
    }

    @Override
    public java.util.Map<Integer, Long> loadAll(Iterable<? extends Integer> keys) {
      java.util.Map<Integer, Long> loaded = new java.util.HashMap<>();
      for (Integer key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  static AsideConfiguration<Integer, Long> config() {
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, Long.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(VersionLoader.class));
    return config;
  }

  /** The writer's side of cache-aside: update the database, then invalidate. */
  static long write(Cache<Integer, Long> cache, int key) {
    long version = database.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    cache.remove(key);
    return version;
  }

  @Test
  void aLoadRacingWithAnInvalidationNeverCachesTheOlderValue() throws Exception {
    Cache<Integer, Long> readerCache = redis.newManager().createCache("versions", config());
    Cache<Integer, Long> writerCache = redis.newManager().createCache("versions", config());
    database.put(1, new AtomicLong(1));
    loaderGate = new CountDownLatch(1);
    loaderHasRead = new CountDownLatch(1);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      Future<Long> firstRead = pool.submit(() -> readerCache.get(1));
      assertThat(loaderHasRead.await(10, TimeUnit.SECONDS)).isTrue();   // the reader has read v1

      assertThat(write(writerCache, 1)).isEqualTo(2);                   // database at v2, invalidated
      Future<Long> laterRead = pool.submit(() -> readerCache.get(1));    // begins after the invalidation
      AsideCache<?, ?> reader = readerCache.unwrap(AsideCache.class);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (reader.readPathMetrics().getCoalescedWaits() == 0) {        // ... and joins the running load
        assertThat(System.nanoTime() - deadline).as("waited 20 s for the later read to join the load").isNegative();
        Thread.sleep(1);
      }
      loaderGate.countDown();                                             // the reader tries to fill v1

      assertThat(laterRead.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
      assertThat(firstRead.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
      assertThat(reader.readPathMetrics().getStaleFillsRejected()).isEqualTo(1);
      String stored = redis.redis().get(redis.prefix() + ":versions:{1}");
      assertThat(stored == null || stored.endsWith("J2")).as("cached: %s", stored).isTrue();
      assertThat(readerCache.get(1)).isEqualTo(2L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void randomizedReadersAndWritersNeverReadStale() throws Exception {
    int keys = 4;
    int readers = 12;
    int writers = 3;
    long runMillis = 3_000;
    List<Cache<Integer, Long>> caches = List.of(
        redis.newManager().createCache("versions", config()),
        redis.newManager().createCache("versions", config()));
    for (int k = 0; k < keys; k++) {
      database.put(k, new AtomicLong(1));
    }
    loaderMaxSleepMicros = 2_000;
    // committed[k]: the newest version whose database write and invalidation have both returned.
    AtomicLongArray committed = new AtomicLongArray(keys);
    AtomicLong reads = new AtomicLong();
    AtomicLong staleReads = new AtomicLong();
    List<String> examples = java.util.Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(runMillis);
    ExecutorService pool = Executors.newFixedThreadPool(readers + writers);
    List<Future<?>> work = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      Cache<Integer, Long> cache = caches.get(w % caches.size());
      work.add(pool.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
          int key = random.nextInt(keys);
          long version = write(cache, key);
          committed.accumulateAndGet(key, version, Math::max);
          Thread.sleep(random.nextInt(1, 5));
        }
        return null;
      }));
    }
    for (int r = 0; r < readers; r++) {
      Cache<Integer, Long> cache = caches.get(r % caches.size());
      work.add(pool.submit(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
          int key = random.nextInt(keys);
          long floor = committed.get(key);
          Long seen = cache.get(key);
          reads.incrementAndGet();
          if (seen == null || seen < floor) {
            staleReads.incrementAndGet();
            if (examples.size() < 5) {
              examples.add("key " + key + ": read " + seen + " after version " + floor + " was committed");
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get(runMillis + 30_000, TimeUnit.MILLISECONDS);
    }
    pool.shutdown();

    assertThat(reads.get()).isGreaterThan(1_000);
    assertThat(staleReads.get()).as("stale reads out of %d, e.g. %s", reads.get(), examples).isZero();
  }
}
