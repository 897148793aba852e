package dev.aside.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.resilience.FailurePolicy.WriteFailures;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import dev.aside.testkit.RedisTest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code invalidation-replicas} on a master with one replica: writes and removals are on the replica
 * when they return; one the replica does not acknowledge in time is a failed write (queued, its key
 * read from the loader, replayed once the replica answers); and the {@code WAIT}, on a connection
 * of its own, never holds up the reads of other keys.
 */
@RedisTest
class AcknowledgedWritesTest {
  private static final Map<String, String> DATABASE = new ConcurrentHashMap<>();

  /** Reads {@link #DATABASE}. */
  public static final class DatabaseLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      return DATABASE.get(key);
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> found = new java.util.HashMap<>();
      keys.forEach(key -> found.put(key, DATABASE.get(key)));
      return found;
    }
  }

  private RedisServer master;
  private RedisServer replica;
  private RedisClient raw;
  private AsideCacheManager manager;

  @BeforeEach
  void start() throws InterruptedException {
    DATABASE.clear();
    master = RedisServer.start();
    replica = RedisServer.start();
    raw = RedisClient.create();
    RedisCommands<String, String> replicaCommands = on(replica);
    replicaCommands.replicaof("127.0.0.1", master.port());
    await("the replica in sync", () -> replicaCommands.info("replication").contains("master_link_status:up"));
    manager = (AsideCacheManager) new AsideCachingProvider().getCacheManager(
        URI.create(master.uri() + "?timeout=2s&prefix=ack"), getClass().getClassLoader());
  }

  @AfterEach
  void stop() {
    if (manager != null) {
      manager.close();
    }
    raw.shutdown(0, 2, TimeUnit.SECONDS);
    replica.resume();
    replica.close();
    master.close();
  }

  private Cache<String, String> cache(String name, WriteFailures writeFailures) {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(DatabaseLoader.class));
    config.setInvalidationReplicas(1);
    config.setWriteFailures(writeFailures);
    config.setStatisticsEnabled(true);
    return manager.createCache(name, config);
  }

  @Test
  void everyWriteAndRemovalIsOnTheReplicaWhenItReturns() {
    Cache<String, String> cache = cache("orders", WriteFailures.THROW);
    RedisCommands<String, String> onReplica = on(replica);
    for (int i = 0; i < 50; i++) {
      cache.put("k" + i, "v" + i);
      assertThat(onReplica.get("ack:orders:{k" + i + "}")).as("put %d on the replica", i).isNotNull();
      assertThat(cache.replace("k" + i, "w" + i)).isTrue();
      cache.remove("k" + i);
      assertThat(onReplica.exists("ack:orders:{k" + i + "}")).as("remove %d on the replica", i).isZero();
    }
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    assertThat(onReplica.exists("ack:orders:{a}", "ack:orders:{b}", "ack:orders:{c}")).isEqualTo(3);
    cache.removeAll(java.util.Set.of("a", "b"));
    assertThat(onReplica.exists("ack:orders:{a}", "ack:orders:{b}", "ack:orders:{c}")).isEqualTo(1);
    cache.invoke("c", (entry, args) -> {
      entry.remove();
      return null;
    });
    assertThat(onReplica.exists("ack:orders:{c}")).as("invoke's removal on the replica").isZero();
    assertThat(manager.health().getPendingInvalidations()).isZero();
  }

  @Test
  void aWriteTheReplicaDoesNotAcknowledgeIsQueuedReadFromTheLoaderAndReplayed() throws InterruptedException {
    Cache<String, String> cache = cache("orders", WriteFailures.THROW);
    DATABASE.put("k", "from the database");
    replica.pause();

    assertThatThrownBy(() -> cache.put("k", "written to the master only")).isInstanceOf(CacheException.class)
        .hasMessageContaining("of 1 replicas acknowledged");
    assertThat(manager.health().getPendingInvalidations()).as("the key queued").isEqualTo(1);
    // The master applied the put, but the key is not trusted until the replay's DEL is acknowledged.
    assertThat(cache.get("k")).as("not trusted: read from the loader").isEqualTo("from the database");
    Thread.sleep(500);
    assertThat(manager.health().getPendingInvalidations()).as("the replay waits for the replica").isEqualTo(1);

    replica.resume();
    await("the replay acknowledged", () -> manager.health().getPendingInvalidations() == 0);
    assertThat(on(master).exists("ack:orders:{k}")).as("the unacknowledged put deleted by the replay").isZero();
    assertThat(on(replica).exists("ack:orders:{k}")).as("and on the replica").isZero();
    assertThat(cache.get("k")).isEqualTo("from the database");
  }

  @Test
  void waitingForAReplicaNeverHoldsUpReadsOfOtherKeys() throws Exception {
    Cache<String, String> cache = cache("orders", WriteFailures.LOG);
    for (int i = 0; i < 20; i++) {
      cache.put("other" + i, "in redis");
    }
    // An entry to remove: removing an absent key changes nothing, so there would be nothing to wait for.
    cache.put("k", "in redis");
    // Warm the read path (classes, scripts) so that the timed reads below measure only waiting on the WAIT.
    for (int i = 0; i < 20; i++) {
      assertThat(cache.get("other" + i)).isEqualTo("in redis");
    }
    RedisCommands<String, String> masterCommands = on(master);
    replica.pause();
    CompletableFuture<Void> removal = CompletableFuture.runAsync(() -> cache.remove("k"));
    await("the removal's WAIT blocking on the master (1.5 s: 3/4 of the 2 s timeout)",
        () -> masterCommands.info("clients").contains("blocked_clients:1"),
        () -> "removal " + (removal.isDone() ? "done" : "running") + ", master: " + masterCommands.info("clients"));
    long slowestMillis = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      long before = System.nanoTime();
      assertThat(cache.get("other" + i)).as("read from Redis").isEqualTo("in redis");
      slowestMillis = Math.max(slowestMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before));
    }
    long allMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(removal).as("the removal still waits for the replica after the reads").isNotDone();
    assertThat(slowestMillis).as("the slowest of 20 reads while the WAIT blocks, in ms (%d ms in all)", allMillis)
        .isLessThan(500);
    removal.get(10, TimeUnit.SECONDS);
    assertThat(manager.health().getPendingInvalidations()).as("the unacknowledged removal queued").isEqualTo(1);
    replica.resume();
    await("the replay acknowledged", () -> manager.health().getPendingInvalidations() == 0);
  }

  private RedisCommands<String, String> on(RedisServer server) {
    StatefulRedisConnection<String, String> connection = raw.connect(io.lettuce.core.RedisURI.create(server.uri()));
    return connection.sync();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(what, condition, () -> "");
  }

  private static void await(String what, BooleanSupplier condition, Supplier<String> state)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("Timed out after 15 s waiting for: " + what + " " + state.get());
      }
      Thread.sleep(20);
    }
  }
}
