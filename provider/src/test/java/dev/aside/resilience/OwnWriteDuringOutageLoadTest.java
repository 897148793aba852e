package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.management.ReadPathMetrics;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A write made through this JVM while a coalesced load of its key is running: a read that begins after the
 * write returned, and joins that load, gets a value loaded after the write, whether Redis is trusted, down,
 * fails in the middle of the load or is trusted again in the middle of it, with the gutter on or off. The
 * loader reads the row and then holds, like a query whose answer is on its way while the row is updated.
 */
@RedisTest
class OwnWriteDuringOutageLoadTest {
  /** What Redis does around the held load. */
  enum Moment {
    /** Redis answers throughout: the write voids the load's lease, so its fill is rejected. */
    REDIS_UP,
    /** Redis is killed and the breaker open before the load: the load fails open. */
    REDIS_DOWN,
    /** Redis is killed while the load (under its lease) runs: the write and the fill fail. */
    REDIS_FAILS_DURING_LOAD,
    /** The load fails open, then Redis is trusted again before the write: the write reaches Redis. */
    REDIS_BACK_DURING_LOAD
  }

  static final AtomicLong row = new AtomicLong();
  static volatile CountDownLatch holding = new CountDownLatch(1);
  static volatile CountDownLatch release = new CountDownLatch(1);
  static volatile int holdKey = -1;
  static volatile long loadMillis = 2;

  /** Reads the row of key 1 (every other key: 1) in {@link #loadMillis}, then holds if asked to, once. */
  public static final class HoldingLoader implements CacheLoader<Integer, Long> {
    @Override
    public Long load(Integer key) {
      long value = key == 1 ? row.get() : 1;
      try {
        Thread.sleep(loadMillis);
        if (key == holdKey) {
          holdKey = -1;
          holding.countDown();
          release.await(20, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return value;
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

  private final ExecutorService readers = Executors.newCachedThreadPool();
  private RedisServer server;
  private AsideCacheManager manager;
  private Cache<Integer, Long> cache;
  private ReadPathMetrics metrics;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    row.set(1);
    holding = new CountDownLatch(1);
    release = new CountDownLatch(1);
    holdKey = -1;
    loadMillis = 2;
  }

  @AfterEach
  void stop() {
    release.countDown();
    readers.shutdownNow();
    server.resume();
    if (manager != null) {
      manager.close();
    }
    server.close();
  }

  private void open(AsideConfiguration<Integer, Long> config) {
    manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
        URI.create(server.uri() + "?timeout=200ms&breakerFailures=3&breakerOpen=200ms"), getClass().getClassLoader());
    config.setTypes(Integer.class, Long.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(HoldingLoader.class));
    cache = manager.createCache("rows", config);
    metrics = cache.unwrap(AsideCache.class).readPathMetrics();
  }

  @ParameterizedTest(name = "{0}, outage-ttl {1} ms")
  @CsvSource({"REDIS_UP, 0", "REDIS_UP, 5000", "REDIS_DOWN, 0", "REDIS_DOWN, 5000", "REDIS_FAILS_DURING_LOAD, 0",
      "REDIS_FAILS_DURING_LOAD, 5000", "REDIS_BACK_DURING_LOAD, 0", "REDIS_BACK_DURING_LOAD, 5000"})
  void aReadThatJoinsALoadAfterAnOwnWriteGetsTheWrittenRow(Moment moment, long outageTtlMillis) throws Exception {
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setOutageTtl(Duration.ofMillis(outageTtlMillis));
    open(config);
    if (moment == Moment.REDIS_DOWN || moment == Moment.REDIS_BACK_DURING_LOAD) {
      server.kill();
      readUntilOpen();
    }

    Future<Long> first = heldRead();
    switch (moment) {
      case REDIS_FAILS_DURING_LOAD -> server.kill();
      case REDIS_BACK_DURING_LOAD -> {
        server.restart();
        await("circuit closed", () -> manager.health().getCircuitState().equals("CLOSED"));
      }
      default -> { }
    }
    row.set(2);             // the application updates the row, then invalidates the entry
    cache.remove(1);
    Future<Long> second = joiningRead();
    release.countDown();

    assertThat(second.get(20, TimeUnit.SECONDS)).as("a read begun after the own write").isEqualTo(2L);
    assertThat(first.get(20, TimeUnit.SECONDS)).as("the read begun before it").isIn(1L, 2L);
    assertThat(cache.get(1)).as("a later read").isEqualTo(2L);
  }

  @Test
  void aReadThatJoinsARefreshAfterAnOwnWriteGetsTheWrittenRow() throws Exception {
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.SECONDS, 5)));
    config.setRefreshAheadBeta(100);   // with a 100 ms load, most hits of the first seconds start a refresh
    open(config);
    loadMillis = 100;
    assertThat(cache.get(1)).isEqualTo(1L);
    holdKey = 1;
    await("a hit started a refresh", () -> {
      assertThat(cache.get(1)).isEqualTo(1L);
      return metrics.getEarlyRefreshes() > 0;
    });
    assertThat(holding.await(20, TimeUnit.SECONDS)).as("the refresh's load has read the row").isTrue();

    row.set(2);
    cache.remove(1);
    Future<Long> second = joiningRead();
    release.countDown();

    assertThat(second.get(20, TimeUnit.SECONDS)).as("a read begun after the own write").isEqualTo(2L);
  }

  /** A read of key 1 whose load has read the row and holds until {@link #release}. */
  private Future<Long> heldRead() throws InterruptedException {
    holdKey = 1;
    Future<Long> read = readers.submit(() -> cache.get(1));
    assertThat(holding.await(20, TimeUnit.SECONDS)).as("the load has read the row").isTrue();
    return read;
  }

  /** A read of key 1 begun now, once it waits for the load in flight. */
  private Future<Long> joiningRead() throws InterruptedException {
    long waits = metrics.getCoalescedWaits();
    Future<Long> read = readers.submit(() -> cache.get(1));
    await("the read joined the load in flight", () -> metrics.getCoalescedWaits() > waits);
    return read;
  }

  /** Reads key 99 until the breaker is open (the fault has reached the cache). */
  private void readUntilOpen() throws InterruptedException {
    await("circuit open", () -> {
      assertThat(cache.get(99)).isEqualTo(1L);
      return manager.health().getCircuitState().equals("OPEN");
    });
  }

  /** Waits up to 20 s for {@code condition}, judging its last answer (a state may move on after it held). */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    boolean met = condition.getAsBoolean();
    while (!met && System.nanoTime() < end) {
      Thread.sleep(5);
      met = condition.getAsBoolean();
    }
    assertThat(met).as(what).isTrue();
  }
}
