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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gutter ({@code outage-ttl}) against a real Redis that is killed or paused: a hot key costs one
 * load per TTL instead of one per read, an own write is read back at once, the gutter is emptied
 * once Redis is trusted again, a value is loaded again once its TTL has passed, and no read is further
 * behind a write made elsewhere than the TTL.
 */
@RedisTest
class OutageGutterTest {
  /** How Redis goes away, and how it comes back. */
  enum Fault {
    KILLED(RedisServer::kill, RedisServer::restart), PAUSED(RedisServer::pause, RedisServer::resume);

    final Consumer<RedisServer> start;
    final Consumer<RedisServer> end;

    Fault(Consumer<RedisServer> start, Consumer<RedisServer> end) {
      this.start = start;
      this.end = end;
    }
  }

  static final Map<Integer, AtomicLong> database = new ConcurrentHashMap<>();
  static final Map<Integer, List<Long>> loadStarts = new ConcurrentHashMap<>();

  /** Reads the version of a row (2 ms, like a quick query), noting when each load of a key began. */
  public static final class DatabaseLoader implements CacheLoader<Integer, Long> {
    @Override
    public Long load(Integer key) {
      loadStarts.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      AtomicLong row = database.get(key);
      return row == null ? null : row.get();
    }

    @Override
    public Map<Integer, Long> loadAll(Iterable<? extends Integer> keys) {
      Map<Integer, Long> loaded = new java.util.HashMap<>();
      for (Integer key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  private RedisServer server;
  private AsideCacheManager manager;
  private Cache<Integer, Long> cache;
  private ReadPathMetrics metrics;

  @BeforeEach
  void start() {
    server = RedisServer.start();
    for (int k = 0; k < 100; k++) {
      database.put(k, new AtomicLong(1));
    }
  }

  private void open(Duration outageTtl) {
    manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
        URI.create(server.uri() + "?timeout=200ms&breakerFailures=3&breakerOpen=200ms"), getClass().getClassLoader());
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, Long.class);
    config.setReadThrough(true);
    config.setStatisticsEnabled(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(DatabaseLoader.class));
    config.setOutageTtl(outageTtl);
    cache = manager.createCache("rows", config);
    metrics = cache.unwrap(AsideCache.class).readPathMetrics();
  }

  @AfterEach
  void stop() {
    server.resume();
    if (manager != null) {
      manager.close();
    }
    server.close();
    database.clear();
    loadStarts.clear();
  }

  private int loads(int key) {
    List<Long> starts = loadStarts.get(key);
    return starts == null ? 0 : starts.size();
  }

  /**
   * Reads key 99 until the breaker is open (the fault has reached the cache), judging the state last
   * seen: with Redis away, the breaker moves on between OPEN and HALF_OPEN every few hundred ms.
   */
  private void readUntilOpen() {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String state = manager.health().getCircuitState();
    while (!state.equals("OPEN") && System.nanoTime() < end) {
      assertThat(cache.get(99)).isEqualTo(1L);
      state = manager.health().getCircuitState();
    }
    assertThat(state).as("circuit state after reading for up to 20 s").isEqualTo("OPEN");
  }

  /** Waits up to 20 s for {@code condition}, judging its last answer (a state may move on after it held). */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    boolean met = condition.getAsBoolean();
    while (!met && System.nanoTime() < end) {
      Thread.sleep(10);
      met = condition.getAsBoolean();
    }
    assertThat(met).as(what).isTrue();
  }

  /** 200 reads of one hot key during the outage reach the loader at most once (the TTL is far longer). */
  private void assertHotKeyLoadedOncePerTtl() {
    int loadsBefore = loads(7);
    long gutterHitsBefore = metrics.getOutageHits();
    for (int i = 0; i < 200; i++) {
      assertThat(cache.get(7)).isEqualTo(1L);
    }
    assertThat(cache.getAll(Set.of(7))).containsEntry(7, 1L);
    assertThat(loads(7) - loadsBefore).as("loads of the hot key for 201 reads during the outage").isLessThanOrEqualTo(1);
    assertThat(metrics.getOutageHits() - gutterHitsBefore).isGreaterThanOrEqualTo(200);
    assertThat(metrics.getOutageEntries()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void whileRedisIsKilledAHotKeyIsLoadedOncePerTtl() {
    open(Duration.ofSeconds(30));
    assertThat(cache.get(7)).isEqualTo(1L);
    server.kill();
    readUntilOpen();
    assertHotKeyLoadedOncePerTtl();
  }

  @Test
  void whileRedisIsPausedAHotKeyIsLoadedOncePerTtl() {
    open(Duration.ofSeconds(30));
    assertThat(cache.get(7)).isEqualTo(1L);
    server.pause();
    try {
      readUntilOpen();
      assertHotKeyLoadedOncePerTtl();
    } finally {
      server.resume();
    }
  }

  @Test
  void aValueReadFromRedisBeforeTheOutageIsServedWithoutALoad() {
    open(Duration.ofSeconds(30));
    assertThat(cache.get(7)).isEqualTo(1L);   // loaded and filled
    assertThat(cache.get(7)).isEqualTo(1L);   // read from Redis: kept in the gutter too
    assertThat(cache.get(8)).isEqualTo(1L);
    database.get(8).set(2);
    cache.remove(8);                          // an own removal drops what Redis answered
    server.kill();
    readUntilOpen();
    assertThat(cache.get(7)).isEqualTo(1L);
    assertThat(loads(7)).as("loads of a key Redis answered just before the outage").isEqualTo(1);
    assertThat(cache.get(8)).as("read after an own removal made before the outage").isEqualTo(2L);
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void anOwnWriteDuringTheOutageIsReadBackAtOnce(Fault fault) {
    open(Duration.ofSeconds(30));
    fault.start.accept(server);
    readUntilOpen();
    assertThat(cache.get(7)).isEqualTo(1L);
    assertThat(cache.get(8)).isEqualTo(1L);
    assertThat(cache.get(7)).as("kept in the gutter").isEqualTo(1L);

    database.get(7).set(2);   // the application updates the row, then invalidates the entry
    cache.remove(7);
    assertThat(cache.get(7)).as("read after an own removal").isEqualTo(2L);

    database.get(8).set(5);
    try {
      cache.put(8, 5L);   // fails: Redis is down (write-failures=throw)
    } catch (CacheException expected) {
      // the put's key is queued for invalidation and dropped from the gutter
    }
    assertThat(cache.get(8)).as("read after an own put").isEqualTo(5L);
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void theGutterIsEmptiedOnceRedisIsTrustedAgain(Fault fault) throws Exception {
    open(Duration.ofSeconds(30));
    fault.start.accept(server);
    readUntilOpen();
    for (int k = 0; k < 10; k++) {
      assertThat(cache.get(k)).isEqualTo(1L);
    }
    assertThat(metrics.getOutageEntries()).isGreaterThanOrEqualTo(10);
    fault.end.accept(server);
    await("circuit closed", () -> manager.health().getCircuitState().equals("CLOSED"));
    await("gutter empty after recovery", () -> metrics.getOutageEntries() == 0);
    long hits = metrics.getOutageHits();
    database.get(3).set(4);
    assertThat(cache.get(3)).as("read from the source through Redis, not the gutter").isEqualTo(4L);
    assertThat(metrics.getOutageHits()).isEqualTo(hits);
  }

  @Test
  void aValueIsLoadedAgainOnceItsTtlHasPassed() throws Exception {
    Duration ttl = Duration.ofMillis(300);
    open(ttl);
    server.kill();
    readUntilOpen();
    int first = loads(7);
    assertThat(cache.get(7)).isEqualTo(1L);
    await("a second load of the key", () -> {
      assertThat(cache.get(7)).isEqualTo(1L);
      return loads(7) >= first + 2;
    });
    List<Long> starts = loadStarts.get(7);
    for (int i = first + 1; i < starts.size(); i++) {
      assertThat(starts.get(i) - starts.get(i - 1)).as("time between two loads of a key kept in the gutter")
          .isGreaterThanOrEqualTo(ttl.toNanos());
    }
  }

  /**
   * Another JVM updates a row every 40 ms during the outage (its invalidations cannot reach Redis, so this JVM
   * never hears of them): a read served from the gutter may be behind, but never by more than outage-ttl.
   * Each read is judged against the newest version committed at least outage-ttl before the read began.
   */
  @ParameterizedTest
  @EnumSource(Fault.class)
  void aReadIsNeverFurtherBehindAWriteMadeElsewhereThanTheOutageTtl(Fault fault) throws Exception {
    Duration ttl = Duration.ofMillis(300);
    open(ttl);
    fault.start.accept(server);
    readUntilOpen();
    List<long[]> commits = new CopyOnWriteArrayList<>();   // {committed at, version}, in order
    commits.add(new long[] {System.nanoTime(), database.get(7).get()});
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread otherJvm = new Thread(() -> {
      while (writing.get()) {
        long version = database.get(7).incrementAndGet();
        commits.add(new long[] {System.nanoTime(), version});
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
      }
    });
    otherJvm.start();
    long hitsBefore = metrics.getOutageHits();
    int reads = 0;
    int behind = 0;
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < end) {
        long start = System.nanoTime();
        long seen = cache.get(7);
        long bound = newestCommittedBy(commits, start - ttl.toNanos());
        assertThat(seen).as("version read, against the newest one committed %s before the read began", ttl)
            .isGreaterThanOrEqualTo(bound);
        if (seen < newestCommittedBy(commits, start)) {
          behind++;
        }
        reads++;
      }
    } finally {
      writing.set(false);
      otherJvm.join();
    }
    assertThat(metrics.getOutageHits() - hitsBefore).as("reads answered by the gutter").isGreaterThan(reads / 2);
    assertThat(behind).as("reads behind the newest write (allowed within the TTL)").isPositive();
    assertThat(loads(7)).as("loads of the key: about one per TTL").isBetween(4, 2 * 2_000 / 300 + 4);
  }

  private static long newestCommittedBy(List<long[]> commits, long nanoTime) {
    long newest = Long.MIN_VALUE;
    for (long[] commit : commits) {
      if (commit[0] - nanoTime <= 0) {
        newest = Math.max(newest, commit[1]);
      }
    }
    return newest;
  }
}
