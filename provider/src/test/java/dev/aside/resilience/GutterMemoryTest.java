package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.management.ReadPathMetrics;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gutter's byte bound ({@code outage-max-bytes}) through the JCache API while Redis is killed: values are
 * evicted by weight, a value above 1/16 of the bound is loaded on every read instead of kept, and the bound
 * and weight are on the read-path MBean.
 */
class GutterMemoryTest {
  private static final int KIB = 1024;
  /** Per key: the size of its value. Keys below 1000 are 20 KiB, others as set by a test. */
  static final Map<Integer, Integer> sizes = new ConcurrentHashMap<>();
  static final Map<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();

  /** Values of {@code sizes} bytes, each filled with its key, counting the loads of each key. */
  public static final class BlobLoader implements CacheLoader<Integer, byte[]> {
    @Override
    public byte[] load(Integer key) {
      loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      byte[] value = new byte[sizes.getOrDefault(key, 20 * KIB)];
      Arrays.fill(value, (byte) (int) key);
      return value;
    }

    @Override
    public Map<Integer, byte[]> loadAll(Iterable<? extends Integer> keys) {
      Map<Integer, byte[]> loaded = new HashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }
  }

  private RedisServer server;
  private AsideCacheManager manager;
  private Cache<Integer, byte[]> cache;
  private ReadPathMetrics metrics;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
        URI.create(server.uri() + "?timeout=200ms&breakerFailures=2&breakerOpen=200ms"), getClass().getClassLoader());
    AsideConfiguration<Integer, byte[]> config = new AsideConfiguration<Integer, byte[]>()
        .setOutageTtl(Duration.ofSeconds(60))
        .setOutageMaxBytes(1L << 20);
    config.setTypes(Integer.class, byte[].class);
    config.setReadThrough(true);
    config.setManagementEnabled(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(BlobLoader.class));
    cache = manager.createCache("blobs", config);
    metrics = cache.unwrap(AsideCache.class).readPathMetrics();
    server.kill();
    // The state last seen is the one judged: with Redis away, the breaker moves on to HALF_OPEN after 200 ms.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String state = manager.health().getCircuitState();
    while (!state.equals("OPEN") && System.nanoTime() < end) {
      assertThat(cache.get(5000)).hasSize(20 * KIB);
      state = manager.health().getCircuitState();
    }
    assertThat(state).as("circuit state after reading for up to 20 s").isEqualTo("OPEN");
  }

  @AfterEach
  void stop() {
    manager.close();
    server.close();
    sizes.clear();
    loads.clear();
  }

  private int loadsOf(int key) {
    AtomicInteger count = loads.get(key);
    return count == null ? 0 : count.get();
  }

  @Test
  void theGutterEvictsByWeightToStayWithinItsByteBound() throws Exception {
    for (int k = 0; k < 100; k++) {
      assertThat(cache.get(k)).hasSize(20 * KIB);   // 2 MB loaded during the outage, against a 1 MiB bound
    }
    // Caffeine weighs and evicts in its maintenance, right after the writes: wait for it.
    await("the weight back under the bound", () -> metrics.getOutageWeightedSize() <= 1L << 20
        && metrics.getOutageEntries() * 20 * KIB <= 1L << 20);
    long kept = metrics.getOutageEntries();
    assertThat(kept).as("20 KiB values kept under 1 MiB").isBetween(40L, 51L);
    assertThat(metrics.getOutageEvictions()).as("values evicted by weight").isGreaterThanOrEqualTo(100 + 1 - kept);
    assertThat(metrics.getOutageEvictedBytes()).isGreaterThan(metrics.getOutageEvictions() * 20 * KIB);

    int loadsBefore = loads.values().stream().mapToInt(AtomicInteger::get).sum();
    for (int k = 0; k < 100; k++) {
      assertThat(cache.get(k)).hasSize(20 * KIB);
    }
    int reloaded = loads.values().stream().mapToInt(AtomicInteger::get).sum() - loadsBefore;
    assertThat(reloaded).as("reads of evicted values go to the loader again").isGreaterThanOrEqualTo(100 - 51);

    ObjectName name = new ObjectName("dev.aside:type=ReadPath,CacheManager=*,Cache=blobs");
    ObjectName registered = ManagementFactory.getPlatformMBeanServer().queryNames(name, null).iterator().next();
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(registered, "OutageMaxBytes"))
        .isEqualTo(1L << 20);
    assertThat((Long) ManagementFactory.getPlatformMBeanServer().getAttribute(registered, "OutageWeightedSize"))
        .isBetween(1L, 1L << 20);
  }

  @Test
  void aValueAboveOneSixteenthOfTheBoundIsLoadedOnEveryReadInsteadOfKept() {
    sizes.put(1, 65 * KIB);   // 1/16 of 1 MiB is 64 KiB
    sizes.put(2, 60 * KIB);
    for (int i = 0; i < 3; i++) {
      assertThat(cache.get(1)).hasSize(65 * KIB);
      assertThat(cache.get(2)).hasSize(60 * KIB);
    }
    assertThat(loadsOf(1)).as("loads of the heavy value").isEqualTo(3);
    assertThat(loadsOf(2)).as("loads of the light value").isEqualTo(1);
    assertThat(metrics.getOutageTooLargeNotKept()).isEqualTo(3);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }
}
