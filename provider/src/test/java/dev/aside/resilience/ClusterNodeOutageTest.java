package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One master of a Redis Cluster (3 masters, a replica each) killed or paused under read-through
 * load: its keys fail open to the loader while the other masters keep serving theirs (not one
 * loader call, not one short-circuited command for them), no read fails, and once its replica is
 * promoted the cache serves its keys from Redis again, after replaying on the promoted replica the
 * invalidations made meanwhile, so no read is ever older than a removal that returned before it.
 *
 * <p>The cluster runs with {@code cluster-require-full-coverage no}: with the default, every master
 * refuses every key ({@code CLUSTERDOWN}) from the moment the dead master is marked failed until its
 * replica takes over, so the other masters' keys fail open too for that second (see the README).
 */
@RedisTest
class ClusterNodeOutageTest {
  private static final int KEYS = 240;
  /* Keys below this are only read, never written: a loader call for one means Redis did not answer for it. */
  private static final int READ_ONLY = 160;
  private static final int READERS = 6;

  static final Map<Integer, AtomicLong> database = new ConcurrentHashMap<>();
  static final Map<Integer, LongAdder> loads = new ConcurrentHashMap<>();

  /** Reads the version of a row (1 ms, like a quick query), counting the loads of each key. */
  public static final class DatabaseLoader implements CacheLoader<Integer, Long> {
    @Override
    public Long load(Integer key) {
      loads.computeIfAbsent(key, k -> new LongAdder()).increment();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return database.get(key).get();
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

  private RedisCluster cluster;
  private AsideCacheManager manager;
  private Cache<Integer, Long> cache;
  /* Per key, the version whose removal has returned: a read that starts after that must not see an older one. */
  private final Map<Integer, AtomicLong> committed = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    cluster = RedisCluster.builder().masters(3).replicasPerMaster(1)
        .arg("--cluster-require-full-coverage", "no").start();
    manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
        URI.create(cluster.uri() + "?timeout=1s&breakerFailures=3&breakerOpen=200ms"), getClass().getClassLoader());
    AsideConfiguration<Integer, Long> config = new AsideConfiguration<>();
    config.setTypes(Integer.class, Long.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(DatabaseLoader.class));
    cache = manager.createCache("rows", config);
    for (int k = 0; k < KEYS; k++) {
      database.put(k, new AtomicLong(1));
      committed.put(k, new AtomicLong(1));
    }
  }

  @AfterEach
  void stop() {
    try {
      manager.close();
    } finally {
      cluster.close();
      database.clear();
      loads.clear();
    }
  }

  @Test
  void aKilledMasterFailsOpenForItsKeysOnlyAndNoReadFailsOrIsStale() throws Exception {
    failOver(RedisServer::kill);
  }

  @Test
  void aPausedMasterFailsOpenForItsKeysOnlyAndNoReadFailsOrIsStale() throws Exception {
    failOver(RedisServer::pause);
  }

  private void failOver(Consumer<RedisServer> fault) throws Exception {
    RedisServer victim = masterOf(0);
    List<Integer> victimKeys = new ArrayList<>();
    List<Integer> otherKeys = new ArrayList<>();
    for (int k = 0; k < READ_ONLY; k++) {
      (masterOf(k) == victim ? victimKeys : otherKeys).add(k);
    }
    assertThat(otherKeys).as("read-only keys on the masters that stay up").hasSizeGreaterThan(READ_ONLY / 2);
    for (int k = 0; k < KEYS; k++) {
      assertThat(cache.get(k)).isEqualTo(1L);          // every key cached
    }
    loads.clear();

    AtomicBoolean stop = new AtomicBoolean();
    LongAdder reads = new LongAdder();
    List<String> failed = new CopyOnWriteArrayList<>();
    List<String> stale = new CopyOnWriteArrayList<>();
    LongAdder removals = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(READERS + 1);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        tasks.add(pool.submit(() -> read(stop, reads, failed, stale)));
      }
      tasks.add(pool.submit(() -> write(stop, removals)));
      Thread.sleep(500);

      long faultAt = System.nanoTime();
      fault.accept(victim);
      RedisServer promoted = cluster.awaitPromotion(victim, Duration.ofSeconds(60));
      long promotedAt = System.nanoTime();
      await("the victim's keys served from Redis again, by " + promoted, Duration.ofSeconds(30),
          () -> servedFromRedis(victimKeys));
      long servedAt = System.nanoTime();
      System.out.printf("ClusterNodeOutageTest: replica promoted %d ms after the fault, its keys served from Redis"
          + " %d ms later; %d loads of the victim's read-only keys meanwhile%n",
          TimeUnit.NANOSECONDS.toMillis(promotedAt - faultAt), TimeUnit.NANOSECONDS.toMillis(servedAt - promotedAt),
          loadsOf(victimKeys));
      Thread.sleep(500);                                // more load once recovered
      stop.set(true);
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }

    assertThat(reads.sum()).as("reads").isGreaterThan(1_000);
    assertThat(removals.sum()).as("removals").isGreaterThan(50);
    assertThat(failed).as("failed reads").isEmpty();
    assertThat(stale).as("stale reads").isEmpty();
    assertThat(loadsOf(victimKeys)).as("loads of the victim's read-only keys (failing open)").isPositive();
    assertThat(loadsOf(otherKeys)).as("loads of the other masters' read-only keys").isZero();

    RedisHealth health = manager.health();
    assertThat(health.getCircuitOpens()).as("the victim's breaker opened").isPositive();
    assertThat(health.getShortCircuitedCommands()).as("the victim's keys short-circuited").isPositive();
    // The victim's breaker is retired on a health tick once no probe of it runs; a probe of a paused node waits out
    // the 1 s command timeout, so its breaker may outlive the recovery of its keys by a second or so.
    await("the victim's breaker retired", Duration.ofSeconds(10),
        () -> health.nodeCircuits().stream().noneMatch(circuit -> circuit.node().endsWith(":" + victim.port())));
    assertThat(health.nodeCircuits()).as("the breakers left: the masters now, none of them ever opened")
        .hasSize(3)
        .allSatisfy(circuit -> {
          assertThat(circuit.node()).doesNotEndWith(":" + victim.port());
          assertThat(circuit.state()).isEqualTo(CircuitBreaker.State.CLOSED);
          assertThat(circuit.opens()).isZero();
          assertThat(circuit.shortCircuited()).isZero();
        });
    await("no invalidation pending", Duration.ofSeconds(10), () -> health.getPendingInvalidations() == 0);
    assertThat(health.getReplayedInvalidations()).as("removals of the victim's keys, replayed on " + "its replica")
        .isPositive();
    for (int k = READ_ONLY; k < KEYS; k++) {
      assertThat(cache.get(k)).as("key %d once all is over", k).isEqualTo(database.get(k).get());
    }
  }

  private RedisServer masterOf(int key) {
    return cluster.masterOf(RedisCluster.slot(Integer.toString(key)));
  }

  /** Reads random keys until stopped; a read must answer, and never older than a removal that returned before it began. */
  private void read(AtomicBoolean stop, LongAdder reads, List<String> failed, List<String> stale) {
    while (!stop.get()) {
      int key = ThreadLocalRandom.current().nextInt(KEYS);
      long floor = committed.get(key).get();
      try {
        Long value = cache.get(key);
        if (value == null) {
          failed.add(key + ": null");
        } else if (value < floor) {
          stale.add(key + ": " + value + " < " + floor);
        }
      } catch (RuntimeException e) {
        failed.add(key + ": " + e);
      }
      reads.increment();
    }
  }

  /** Moves the written keys' rows on and removes them from the cache, one every 2 ms, until stopped. */
  private void write(AtomicBoolean stop, LongAdder removals) {
    while (!stop.get()) {
      int key = READ_ONLY + ThreadLocalRandom.current().nextInt(KEYS - READ_ONLY);
      long version = database.get(key).incrementAndGet();
      cache.remove(key);                                // never throws: a failed removal is queued
      committed.get(key).set(version);
      removals.increment();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Whether reading each key twice calls the loader no more: Redis answers for them again. */
  private boolean servedFromRedis(List<Integer> keys) {
    keys.forEach(cache::get);
    long before = loadsOf(keys);
    keys.forEach(cache::get);
    return loadsOf(keys) == before;
  }

  private static long loadsOf(List<Integer> keys) {
    long sum = 0;
    for (Integer key : keys) {
      LongAdder count = loads.get(key);
      sum += count == null ? 0 : count.sum();
    }
    return sum;
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waited %d s for %s", timeout.toSeconds(), what).isNegative();
      Thread.sleep(50);
    }
  }
}
