package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.management.ReadPathMetrics;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code outageMaxLoads} against a real Redis that is killed or paused: loader calls in flight while failing
 * open never exceed the cap, a load over it waits {@code outageLoadWait} and is then refused with a
 * {@link CacheLoaderException} that says why, concurrent misses of one key share one slot, and without the
 * cap every miss loads at once, as before.
 */
class OutageLoadLimitTest {

  /** How Redis goes away. */
  enum Fault {
    KILLED(RedisServer::kill), PAUSED(RedisServer::pause);

    final Consumer<RedisServer> apply;

    Fault(Consumer<RedisServer> apply) {
      this.apply = apply;
    }
  }

  /** The database: counts calls in flight and their maximum; a load of a key may be held by the test. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final Map<Integer, AtomicInteger> loads = new ConcurrentHashMap<>();
  private final Map<Integer, CountDownLatch> held = new ConcurrentHashMap<>();
  private volatile long holdMillis;
  /** When set, every load counts itself down and waits for the others: all of them in flight at once. */
  private volatile CountDownLatch together;

  private RedisServer server;
  private AsideCacheManager manager;
  private Cache<Integer, String> cache;
  private ReadPathMetrics metrics;
  private final ExecutorService readers = Executors.newCachedThreadPool();

  @BeforeEach
  void startRedis() {
    server = RedisServer.start();
  }

  @AfterEach
  void stop() throws Exception {
    held.values().forEach(CountDownLatch::countDown);
    readers.shutdownNow();
    readers.awaitTermination(10, TimeUnit.SECONDS);
    server.resume();
    if (manager != null) {
      manager.close();
    }
    server.close();
  }

  private String load(Integer key) throws InterruptedException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      CountDownLatch gate = held.get(key);
      CountDownLatch all = together;
      if (all != null) {
        all.countDown();
        assertThat(all.await(30, TimeUnit.SECONDS)).as("every load in flight at once").isTrue();
      } else if (gate != null) {
        assertThat(gate.await(30, TimeUnit.SECONDS)).as("held load of key " + key + " released").isTrue();
      } else if (holdMillis > 0) {
        Thread.sleep(holdMillis);
      }
      return "row-" + key;
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** Opens the cache with these URI options, then takes Redis away and waits for the breaker to open. */
  private void openAndFail(String options, Fault fault) {
    manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
        URI.create(server.uri() + "?timeout=200ms&breakerFailures=2&breakerOpen=200ms" + options),
        getClass().getClassLoader());
    AsideConfiguration<Integer, String> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory((Factory<CacheLoader<Integer, String>>) () -> new CacheLoader<>() {
      @Override
      public String load(Integer key) {
        try {
          return OutageLoadLimitTest.this.load(key);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }

      @Override
      public Map<Integer, String> loadAll(Iterable<? extends Integer> keys) {
        Map<Integer, String> loaded = new HashMap<>();
        keys.forEach(key -> loaded.put(key, load(key)));
        return loaded;
      }
    });
    cache = manager.createCache("rows", config);
    metrics = cache.unwrap(AsideCache.class).readPathMetrics();
    assertThat(cache.get(1000)).isEqualTo("row-1000");
    fault.apply.accept(server);
    // The state last seen is the one judged: with Redis away, the breaker moves on to HALF_OPEN after 200 ms.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String state = manager.health().getCircuitState();
    while (!state.equals("OPEN") && System.nanoTime() < end) {
      assertThat(cache.get(1000)).isEqualTo("row-1000");
      state = manager.health().getCircuitState();
    }
    assertThat(state).as("circuit state after reading for up to 20 s").isEqualTo("OPEN");
    maxInFlight.set(0);
  }

  private List<Future<String>> readConcurrently(List<Integer> keys) {
    List<Future<String>> reads = new ArrayList<>();
    for (Integer key : keys) {
      reads.add(readers.submit(() -> cache.get(key)));
    }
    return reads;
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void loadsInFlightWhileFailingOpenNeverExceedTheCap(Fault fault) throws Exception {
    openAndFail("&outageMaxLoads=3&outageLoadWait=20s", fault);
    holdMillis = 150;
    List<Integer> keys = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    List<Future<String>> reads = readConcurrently(keys);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(reads.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("row-" + keys.get(i));
    }
    assertThat(maxInFlight.get()).as("most loader calls in flight at once").isEqualTo(3);
    assertThat(metrics.getOutageLoadsRefused()).isZero();
    assertThat(metrics.getOutageLoads()).isGreaterThanOrEqualTo(keys.size());
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void aLoadOverTheCapWaitsTheBoundThenIsRefusedWithAReason(Fault fault) throws Exception {
    openAndFail("&outageMaxLoads=2&outageLoadWait=300ms", fault);
    held.put(0, new CountDownLatch(1));
    held.put(1, new CountDownLatch(1));
    List<Future<String>> slow = readConcurrently(List.of(0, 1));
    await("two loads in flight", () -> inFlight.get() == 2);

    long start = System.nanoTime();
    assertThatThrownBy(() -> cache.get(2))
        .isInstanceOf(CacheLoaderException.class)
        .hasMessageContaining("Load refused to protect the database")
        .hasMessageContaining("2 loads (outageMaxLoads)")
        .hasMessageContaining("300 ms (outageLoadWait)");
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(waitedMillis).as("time the refused read waited").isBetween(290L, 5_000L);
    assertThat(loads).as("no load of the refused key").doesNotContainKey(2);
    assertThat(metrics.getOutageLoadsRefused()).isEqualTo(1);

    held.get(0).countDown();
    held.get(1).countDown();
    assertThat(slow.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("row-0");
    assertThat(slow.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("row-1");
    assertThat(cache.get(2)).as("once a slot is free").isEqualTo("row-2");
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void concurrentMissesOfOneKeyShareOneLoadAndOneSlot(Fault fault) throws Exception {
    openAndFail("&outageMaxLoads=1&outageLoadWait=200ms", fault);
    held.put(5, new CountDownLatch(1));
    List<Future<String>> reads = readConcurrently(List.of(5, 5, 5, 5, 5, 5, 5, 5));
    await("the load of key 5 in flight", () -> inFlight.get() == 1);
    await("the other misses joined it", () -> metrics.getCoalescedWaits() >= 7);
    Thread.sleep(400);   // twice the load wait: a miss that had taken a slot of its own would be refused by now
    held.get(5).countDown();
    for (Future<String> read : reads) {
      assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("row-5");
    }
    assertThat(loads.get(5).get()).as("loads of the key").isEqualTo(1);
    assertThat(metrics.getOutageLoadsRefused()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void withoutTheCapEveryMissLoadsAtOnce(Fault fault) throws Exception {
    openAndFail("", fault);
    together = new CountDownLatch(12);
    List<Integer> keys = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    List<Future<String>> reads = readConcurrently(keys);
    // Each load returns only once all 12 are in flight (else it fails after 30 s, and so does its read).
    for (int i = 0; i < keys.size(); i++) {
      assertThat(reads.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("row-" + keys.get(i));
    }
    assertThat(maxInFlight.get()).isEqualTo(12);
    assertThat(metrics.getOutageLoadsRefused()).isZero();
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
