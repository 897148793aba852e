package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisCluster;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import javax.cache.processor.EntryProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Aside on a 3-master Redis Cluster (testkit, one for the class): one cache spreads over every
 * master, whole-cache operations reach every master, managers share entries, contention and
 * stampede protection hold across managers, multi-key calls split by slot, and a slot migrated
 * under load fails no read.
 */
@RedisTest
class ClusterTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisCluster cluster;
  private static final Map<Integer, RedisClient> clients = new HashMap<>();

  private final List<AsideCachingProvider> providers = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private String prefix;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3, 0);
  }

  @AfterAll
  static void stopCluster() {
    clients.values().forEach(RedisClient::shutdown);
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void closeManagers() {
    pool.shutdownNow();
    providers.forEach(AsideCachingProvider::close);
    loads.set(0);
    loaderGate = null;
  }

  /** A new manager on the cluster; every manager of one test shares the test's prefix. */
  private CacheManager manager() {
    return manager("");
  }

  /**
   * A new manager with {@code moreOptions} (each after a {@code &}). Unless they set a command timeout, it is 5 s
   * rather than the default 500 ms, as the testkit's URIs have it, so that a busy build machine does not fail
   * tests about other things.
   */
  private CacheManager manager(String moreOptions) {
    if (prefix == null) {
      prefix = "cl" + PREFIXES.incrementAndGet();
    }
    String timeout = moreOptions.contains("&timeout=") ? "" : "&timeout=5s";
    AsideCachingProvider provider = new AsideCachingProvider();
    providers.add(provider);
    return provider.getCacheManager(URI.create(cluster.uri() + "?prefix=" + prefix + moreOptions + timeout),
        getClass().getClassLoader());
  }

  private static AsideConfiguration<String, String> strings() {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    return config;
  }

  /** The keys matching {@code pattern} on one node, asked of that node alone. */
  private static List<String> keysOn(RedisServer node, String pattern) {
    RedisClient client;
    synchronized (clients) {
      client = clients.computeIfAbsent(node.port(), port -> RedisClient.create(node.uri()));
    }
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      List<String> keys = new ArrayList<>();
      ScanIterator.scan(connection.sync(), ScanArgs.Builder.matches(pattern).limit(1000)).forEachRemaining(keys::add);
      return keys;
    }
  }

  private int keysOnEveryMaster(String pattern) {
    int total = 0;
    for (RedisServer master : cluster.masters()) {
      total += keysOn(master, pattern).size();
    }
    return total;
  }

  @Test
  void thirtyThousandEntriesSpreadOverTheThreeMasters() {
    Cache<Integer, Integer> cache = manager().createCache("spread",
        new AsideConfiguration<Integer, Integer>().setTypes(Integer.class, Integer.class));
    for (int batch = 0; batch < 30; batch++) {
      Map<Integer, Integer> entries = new HashMap<>();
      for (int i = batch * 1000; i < (batch + 1) * 1000; i++) {
        entries.put(i, i);
      }
      cache.putAll(entries);
    }

    List<Integer> perMaster = new ArrayList<>();
    for (RedisServer master : cluster.masters()) {
      perMaster.add(keysOn(master, prefix + ":spread:{*}").size());
    }
    assertThat(perMaster).hasSize(3);
    assertThat(perMaster.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30_000);
    assertThat(perMaster).as("entries per master").allSatisfy(count -> assertThat(count).isBetween(9_000, 11_000));
    assertThat(cache.get(29_999)).isEqualTo(29_999);
  }

  @Test
  void iteratorClearRemoveAllAndDestroyReachEveryMaster() {
    CacheManager manager = manager();
    Cache<String, String> cache = manager.createCache("whole", strings());
    String entries = prefix + ":whole:{*}";

    fill(cache, 600);
    Set<String> seen = new HashSet<>();
    cache.forEach(entry -> seen.add(entry.getKey()));
    assertThat(seen).hasSize(600);
    for (RedisServer master : cluster.masters()) {
      assertThat(keysOn(master, entries)).as("entries on " + master).hasSizeGreaterThan(100);
    }

    cache.removeAll();
    assertThat(keysOnEveryMaster(entries)).as("after removeAll()").isZero();

    fill(cache, 600);
    cache.clear();
    assertThat(keysOnEveryMaster(entries)).as("after clear()").isZero();
    assertThat(cache.iterator().hasNext()).isFalse();

    fill(cache, 600);
    manager.destroyCache("whole");
    assertThat(keysOnEveryMaster(prefix + ":whole:*")).as("after destroyCache").isZero();
  }

  private static void fill(Cache<String, String> cache, int count) {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < count; i++) {
      entries.put("k" + i, "v" + i);
    }
    cache.putAll(entries);
  }

  @Test
  void twoManagersSeeEachOthersWrites() {
    Cache<String, String> first = manager().createCache("shared", strings());
    Cache<String, String> second = manager().createCache("shared", strings());

    for (int i = 0; i < 300; i++) {
      first.put("k" + i, "v" + i);
    }
    for (int i = 0; i < 300; i++) {
      assertThat(second.get("k" + i)).isEqualTo("v" + i);
    }
    for (int i = 0; i < 300; i += 2) {
      second.remove("k" + i);
      second.replace("k" + (i + 1), "w" + (i + 1));
    }
    for (int i = 0; i < 300; i += 2) {
      assertThat(first.get("k" + i)).isNull();
      assertThat(first.get("k" + (i + 1))).isEqualTo("w" + (i + 1));
    }
    assertThat(second.putIfAbsent("k0", "again")).isTrue();
    assertThat(first.getAndReplace("k0", "third")).isEqualTo("again");
    assertThat(second.get("k0")).isEqualTo("third");
  }

  @Test
  void invokeContentionAcrossTwoManagersLosesNoIncrement() throws Exception {
    AsideConfiguration<String, Long> config = new AsideConfiguration<>();
    config.setTypes(String.class, Long.class);
    List<Cache<String, Long>> caches = List.of(manager().createCache("counters", config),
        manager().createCache("counters", config));
    EntryProcessor<String, Long, Long> increment = (entry, args) -> {
      long next = entry.exists() ? entry.getValue() + 1 : 1;
      entry.setValue(next);
      return next;
    };
    int threads = 6;
    int increments = 100;

    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Cache<String, Long> cache = caches.get(t % 2);
      results.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < increments; i++) {
          cache.invoke("hits", increment);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> result : results) {
      result.get(90, TimeUnit.SECONDS);
    }

    assertThat(caches.get(0).get("hits")).isEqualTo((long) threads * increments);
    assertThat(caches.get(1).get("hits")).isEqualTo((long) threads * increments);
  }

  static final AtomicInteger loads = new AtomicInteger();
  /** When set, loads wait here (at most 30 s): a test holds the load open. */
  static volatile CountDownLatch loaderGate;

  /** Counts its calls; waits for {@link #loaderGate} when set. */
  public static final class GatedLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      loads.incrementAndGet();
      CountDownLatch gate = loaderGate;
      try {
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the loader");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "loaded-" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new LinkedHashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }
  }

  private static AsideConfiguration<String, String> readThrough() {
    AsideConfiguration<String, String> config = strings().setLeaseWait(java.time.Duration.ofSeconds(30));
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(GatedLoader.class));
    return config;
  }

  @Test
  void stampedeAcrossTwoManagersLoadsOnce() throws Exception {
    List<Cache<String, String>> caches = List.of(manager().createCache("users", readThrough()),
        manager().createCache("users", readThrough()));
    loaderGate = new CountDownLatch(1);

    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (Cache<String, String> cache : caches) {
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return cache.get("42");
        }));
      }
    }
    start.countDown();
    /* The load is held open until the manager without the lease waits for it. */
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (crossJvmWaits(caches) < 1) {
      assertThat(System.nanoTime() - deadline).as("waited 20 s for a manager to wait on the lease").isNegative();
      Thread.sleep(5);
    }
    loaderGate.countDown();
    for (Future<String> result : results) {
      assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("loaded-42");
    }

    assertThat(loads).hasValue(1);
    assertThat(keysOnEveryMaster(prefix + ":users:{42}")).isEqualTo(1);
  }

  private static long crossJvmWaits(List<Cache<String, String>> caches) {
    return caches.stream().mapToLong(c -> c.unwrap(AsideCache.class).readPathMetrics().getCrossJvmWaits()).sum();
  }

  @Test
  void getAllPutAllAndRemoveAllSplitBySlot() {
    Cache<String, String> cache = manager().createCache("multi", strings());
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < 1_000; i++) {
      entries.put("k" + i, "v" + i);
    }
    Set<Integer> slots = new HashSet<>();
    entries.keySet().forEach(key -> slots.add(RedisCluster.slot(key)));
    assertThat(slots).as("slots of the keys").hasSizeGreaterThan(900);

    cache.putAll(entries);
    assertThat(cache.getAll(entries.keySet())).isEqualTo(entries);

    Set<String> removed = new HashSet<>();
    for (int i = 0; i < 1_000; i += 3) {
      removed.add("k" + i);
    }
    cache.removeAll(removed);
    Map<String, String> left = new HashMap<>(entries);
    left.keySet().removeAll(removed);
    assertThat(cache.getAll(entries.keySet())).isEqualTo(left);
    assertThat(keysOnEveryMaster(prefix + ":multi:{*}")).isEqualTo(left.size());
  }

  @Test
  void scriptsForgottenByEveryMasterAreSentAgain() {
    Cache<String, String> cache = manager().createCache("scripts", readThrough());
    Cache<String, String> plain = manager().createCache("plain", strings());
    for (RedisServer master : cluster.masters()) {
      clients.computeIfAbsent(master.port(), port -> RedisClient.create(master.uri()));
      try (StatefulRedisConnection<String, String> connection = clients.get(master.port()).connect()) {
        connection.sync().scriptFlush();
      }
    }

    for (int i = 0; i < 60; i++) {
      assertThat(cache.get("k" + i)).isEqualTo("loaded-k" + i);     // lease.lua and fill.lua
      assertThat(plain.getAndPut("k" + i, "v" + i)).isNull();        // put.lua
      assertThat(plain.replace("k" + i, "v" + i, "w" + i)).isTrue(); // cas.lua
    }
    assertThat(plain.getAll(Set.of("k0", "k59"))).containsEntry("k0", "w0").containsEntry("k59", "w59");
  }

  /*
   * While a slot migrates, a script on an entry and its lease that are on neither node yet (a
   * read-through miss) is answered TRYAGAIN until the migration ends: the retries must outlast it.
   * 2,000 more keys in the slot make the migration last a few tens of milliseconds; the managers get
   * a 4 s command timeout, so that a slow machine's migration stays within the retries' budget (the
   * retries pause an eighth, then three eighths of the timeout: about 2 s in all).
   */
  @Test
  void aSlotMigratedUnderLoadFailsNoRead() throws Exception {
    CacheManager manager = manager("&timeout=4s");
    Cache<String, String> plain = manager.createCache("present", strings());
    Cache<String, String> loading = manager.createCache("loading", readThrough());
    int slot = RedisCluster.slot("hot-0");
    List<String> inSlot = keysInSlot(slot, 200);
    Map<String, String> present = new HashMap<>();
    inSlot.forEach(key -> present.put(key, "v-" + key));
    for (int i = 0; i < 100; i++) {
      present.put("other-" + i, "v-other-" + i);
    }
    plain.putAll(present);
    RedisServer owner = cluster.masterOf(slot);
    try (StatefulRedisConnection<String, String> connection = RedisClient.create(owner.uri()).connect()) {
      Map<String, String> fillers = new HashMap<>();
      for (int i = 0; i < 2_000; i++) {
        fillers.put(prefix + "-filler:{hot-0}:" + i, "x");
      }
      connection.sync().mset(fillers);
    }

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> keys = new ArrayList<>(present.keySet());
    List<Future<?>> readers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int offset = t;
      readers.add(pool.submit(() -> {
        for (int round = 0; !stop.get(); round++) {
          String key = keys.get((round * 7 + offset) % keys.size());
          String value = plain.get(key);
          if (!("v-" + key).equals(value)) {
            wrong.add(key + "=" + value);
          }
          String missing = inSlot.get((round * 11 + offset) % inSlot.size());
          if (!("loaded-" + missing).equals(loading.get(missing))) {
            wrong.add("loading " + missing);
          }
          loading.remove(missing);
          reads.addAndGet(2);
        }
        return null;
      }));
    }

    waitForReads(reads, 200);
    for (RedisServer target : cluster.masters()) {
      if (target != owner) {
        cluster.migrateSlot(slot, target);
        waitForReads(reads, reads.get() + 200);
      }
    }
    cluster.migrateSlot(slot, owner);
    waitForReads(reads, reads.get() + 200);
    stop.set(true);
    for (Future<?> reader : readers) {
      reader.get(30, TimeUnit.SECONDS);
    }

    assertThat(wrong).as("reads that did not return the value").isEmpty();
    assertThat(plain.unwrap(AsideCache.class).readPathMetrics().getFailedReads()).as("failed reads").isZero();
    assertThat(loading.unwrap(AsideCache.class).readPathMetrics().getFailedReads()).as("failed loading reads")
        .isZero();
    assertThat(cluster.masterOf(slot)).isSameAs(owner);
    assertThat(reads.get()).isGreaterThan(800);
  }

  private static void waitForReads(AtomicLong reads, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (reads.get() < atLeast && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
  }

  /** {@code count} keys in {@code slot} (as Aside writes them, the key text is the hash tag), "hot-0" first. */
  private static List<String> keysInSlot(int slot, int count) {
    List<String> keys = new ArrayList<>();
    for (long i = 0; keys.size() < count; i++) {
      String key = "hot-" + i;
      if (RedisCluster.slot(key.getBytes(StandardCharsets.UTF_8)) == slot) {
        keys.add(key);
      }
    }
    return keys;
  }

  @Test
  void aRedisUriToAClusterNodeFailsNamingTheClusterForm() {
    RedisServer node = cluster.masters().get(0);
    AsideCachingProvider provider = new AsideCachingProvider();
    providers.add(provider);

    assertThatThrownBy(() -> provider.getCacheManager(URI.create(node.uri() + "?prefix=wrong"),
        getClass().getClassLoader()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("is a Redis Cluster node")
        .hasMessageContaining("redis-cluster://127.0.0.1:" + node.port());
  }

  @Test
  void badClusterUrisAreNamed() {
    AsideCachingProvider provider = new AsideCachingProvider();
    providers.add(provider);
    String seed = "127.0.0.1:" + cluster.masters().get(0).port();

    assertThatThrownBy(() -> provider.getCacheManager(URI.create("redis-cluster://" + seed + "/1"),
        getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a Redis Cluster has database 0 only");
    assertThatThrownBy(() -> provider.getCacheManager(URI.create("redis-cluster://" + seed + "?sentinelMasterId=m"),
        getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sentinelMasterId");
    try (RedisServer standalone = RedisServer.start()) {
      assertThatThrownBy(() -> provider.getCacheManager(
          URI.create("redis-cluster://127.0.0.1:" + standalone.port() + "?prefix=notacluster"),
          getClass().getClassLoader()))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("Cannot connect to Redis at redis-cluster://127.0.0.1:" + standalone.port())
          .hasMessageContaining("cluster support disabled");
    }
  }

  @Test
  void aManagerStartedWhileNoMasterAnswersUsesTheClusterOnceTheyDo() throws Exception {
    List<RedisServer> masters = cluster.masters();
    AsideCacheManager manager;
    Cache<String, String> cache;
    masters.forEach(RedisServer::pause);
    try {
      manager = manager("&connectTimeout=300ms&timeout=300ms").unwrap(AsideCacheManager.class);
      cache = manager.createCache("late", strings());
      assertThat(manager.health().getCircuitState()).as("health while no master answers").isEqualTo("OPEN");
      assertThat(cache.get("k")).as("a miss meanwhile").isNull();
      cache.remove("k");
      assertThat(manager.health().getPendingInvalidations()).isEqualTo(1);
    } finally {
      masters.forEach(RedisServer::resume);
    }

    // The breaker of the unknown topology is retired once the masters answer, and the masters' own
    // breakers never opened: the queued key is replayed on its master's next health tick (until then
    // only that key fails open).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!manager.health().getCircuitState().equals("CLOSED") || manager.health().getPendingInvalidations() > 0) {
      assertThat(System.nanoTime() - deadline).as("waited 30 s for the breaker to close and the replay").isNegative();
      Thread.sleep(20);
    }
    assertThat(manager.health().getReplayedInvalidations()).isEqualTo(1);
    // Masters resumed together may flag one another as failed for a while (CLUSTERDOWN, which the put's
    // retries do not outlast) before they agree again: the put is about the manager, so it waits for that.
    cluster.awaitHealthy(java.time.Duration.ofSeconds(30));
    cache.put("k", "v");
    assertThat(cache.get("k")).isEqualTo("v");
    assertThat(keysOnEveryMaster(prefix + ":late:{k}")).isEqualTo(1);
  }
}
