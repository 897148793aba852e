package dev.aside.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Concurrent read-through misses share one loader call, in one JVM and across JVMs; leases of dead holders expire. */
@RedisTest
class CoalescingTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  static final AtomicInteger loads = new AtomicInteger();
  static volatile long loadMillis = 200;
  static volatile boolean failLoads;
  /** When set, loader calls wait here (at most 30 s) before they return: a test holds the load open. */
  static volatile CountDownLatch loaderGate;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
    loads.set(0);
    failLoads = false;
    loadMillis = 200;
    CountDownLatch gate = loaderGate;
    loaderGate = null;
    if (gate != null) {
      gate.countDown();
    }
  }

  /** Counts its calls, takes {@link #loadMillis}, fails when {@link #failLoads} is set. */
  public static final class SlowLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      loads.incrementAndGet();
      try {
        CountDownLatch gate = loaderGate;
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the loader");
        }
        Thread.sleep(loadMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (failLoads) {
        throw new IllegalStateException("database down");
      }
      return "value-of-" + key;
    }

    @Override
    public java.util.Map<String, String> loadAll(Iterable<? extends String> keys) {
      java.util.Map<String, String> loaded = new java.util.HashMap<>();
      for (String key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  static AsideConfiguration<String, String> config() {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(SlowLoader.class));
    return config;
  }

  private List<Future<String>> getAtOnce(List<Cache<String, String>> caches, int threadsPerCache, String key) {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (Cache<String, String> cache : caches) {
      for (int i = 0; i < threadsPerCache; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return cache.get(key);
        }));
      }
    }
    start.countDown();
    return results;
  }

  @Test
  void concurrentMissesInOneJvmShareOneLoad() throws Exception {
    Cache<String, String> cache = redis.newManager().createCache("users", config());
    loaderGate = new CountDownLatch(1);
    loadMillis = 1;

    /* The load is held open until the 49 other misses joined its flight, however slow they start. */
    List<Future<String>> results = getAtOnce(List.of(cache), 50, "42");
    awaitCoalescedWaits(cache, 49);
    loaderGate.countDown();
    for (Future<String> result : results) {
      assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("value-of-42");
    }

    assertThat(loads).hasValue(1);
    assertThat(cache.unwrap(AsideCache.class).readPathMetrics().getCoalescedWaits()).isEqualTo(49);
    assertThat(redis.redis().get(redis.prefix() + ":users:{42}")).endsWith("value-of-42");
  }

  @Test
  void concurrentMissesInSeveralJvmsShareOneLoad() throws Exception {
    List<Cache<String, String>> caches = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      caches.add(redis.newManager().createCache("users", config().setLeaseWait(Duration.ofSeconds(30))));
    }
    loaderGate = new CountDownLatch(1);
    loadMillis = 1;

    /* The load is held open until the three managers without the lease wait for it, however slow they start. */
    List<Future<String>> results = getAtOnce(caches, 10, "7");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (crossJvmWaits(caches) < 3) {
      assertThat(System.nanoTime() - deadline).as("waited 20 s for 3 managers to wait on the lease").isNegative();
      Thread.sleep(5);
    }
    loaderGate.countDown();
    for (Future<String> result : results) {
      assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("value-of-7");
    }

    assertThat(loads).hasValue(1);
    assertThat(crossJvmWaits(caches)).as("one wait per manager without the lease").isEqualTo(3);
  }

  private static long crossJvmWaits(List<Cache<String, String>> caches) {
    return caches.stream()
        .mapToLong(c -> c.unwrap(AsideCache.class).readPathMetrics().getCrossJvmWaits()).sum();
  }

  /** Waits (at most 20 s) until {@code count} misses of {@code cache} joined another's flight. */
  private static void awaitCoalescedWaits(Cache<String, String> cache, long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cache.unwrap(AsideCache.class).readPathMetrics().getCoalescedWaits() < count) {
      assertThat(System.nanoTime() - deadline).as("waited 20 s for %d misses to join the flight", count)
          .isNegative();
      Thread.sleep(5);
    }
  }

  @Test
  void aLoaderFailureReachesEveryWaiterAndNothingIsCached() throws Exception {
    Cache<String, String> cache = redis.newManager().createCache("users", config());
    failLoads = true;
    loaderGate = new CountDownLatch(1);
    loadMillis = 1;

    /* The failing load is held open until the 19 other misses joined its flight, however slow they start. */
    List<Future<String>> results = getAtOnce(List.of(cache), 20, "9");
    awaitCoalescedWaits(cache, 19);
    loaderGate.countDown();
    for (Future<String> result : results) {
      assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CacheLoaderException.class);
    }

    assertThat(loads).hasValue(1);
    assertThat(redis.redis().exists(redis.prefix() + ":users:{9}")).isZero();
    assertThat(redis.redis().exists(redis.prefix() + ":users:{9}:lease")).as("lease released").isZero();
    failLoads = false;
    assertThat(cache.get("9")).isEqualTo("value-of-9");
  }

  @Test
  void aLeaseWhoseHolderDiedExpiresByItself() {
    Cache<String, String> cache = redis.newManager().createCache("users", config().setLeaseWait(Duration.ofSeconds(30)));
    loadMillis = 1;

    /* Timed from before the lease is set, so the lower bound holds however slow the machine. */
    long start = System.nanoTime();
    redis.redis().psetex(redis.prefix() + ":users:{5}:lease", 300, "token-of-a-dead-jvm");
    assertThat(cache.get("5")).isEqualTo("value-of-5");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(tookMillis).as("waited for the dead holder's 300 ms lease, ms").isBetween(299L, 25_000L);
    assertThat(redis.redis().get(redis.prefix() + ":users:{5}")).as("filled once the lease expired").isNotNull();
    assertThat(cache.unwrap(AsideCache.class).readPathMetrics().getLeaseTimeouts()).isZero();
  }

  @Test
  void pastTheLeaseWaitAMissLoadsOnItsOwnWithoutCaching() {
    Cache<String, String> cache = redis.newManager()
        .createCache("users", config().setLeaseWait(Duration.ofMillis(300)));
    redis.redis().psetex(redis.prefix() + ":users:{6}:lease", 60_000, "token-of-a-stuck-jvm");
    loadMillis = 1;

    assertThat(cache.get("6")).isEqualTo("value-of-6");

    assertThat(cache.unwrap(AsideCache.class).readPathMetrics().getLeaseTimeouts()).isEqualTo(1);
    assertThat(redis.redis().exists(redis.prefix() + ":users:{6}")).isZero();
  }

  @Test
  void metricsAreOnJmx() throws Exception {
    CacheManager manager = redis.newManager();
    Cache<String, String> cache = manager.createCache("users", config());
    loadMillis = 1;
    cache.get("1");

    var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
    var names = server.queryNames(new javax.management.ObjectName("dev.aside:type=ReadPath,*"), null);
    var mine = names.stream().filter(n -> n.toString().contains(redis.prefix())).findFirst().orElseThrow();
    assertThat(server.getAttribute(mine, "Loads")).isEqualTo(1L);
  }
}
