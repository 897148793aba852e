package dev.aside.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aside.spring.boot.Applications;
import dev.aside.spring.boot.Catalog;
import dev.aside.spring.boot.Catalog.Product;
import dev.aside.spring.boot.FleetApp;
import dev.aside.testkit.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code @Cacheable(sync = true)} on Aside: Spring's {@code Cache.get(key, Callable)} runs Aside's read path
 * with the method as the loader. Two application contexts with a configuration file each stand for two
 * JVMs of a fleet over one Redis and one database.
 */
class AsideSpringCacheTest {
  private static final int KEYS = 4;
  private static RedisServer redis;
  @TempDir Path dir;
  private Applications applications;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void applications() {
    FleetApp.DATABASE.clear();
    applications = new Applications(redis, dir);
  }

  @AfterEach
  void close() {
    applications.close();
  }

  /** An instance named {@code name}; {@code extraLines} are lines of its Aside configuration file. */
  private ConfigurableApplicationContext instance(String name, String... extraLines) {
    return applications.start(FleetApp.class,
        "--spring.cache.jcache.config=" + applications.configFile(name, extraLines),
        "--spring.cache.cache-names=products");
  }

  @Test
  void concurrentSyncCallersInOneInstanceLoadOnce() throws Exception {
    Catalog catalog = instance("a").getBean(Catalog.class);
    catalog.afterRead(() -> sleep(200));

    List<Product> answers = callConcurrently(8, List.of(catalog), 7);

    assertThat(answers).hasSize(8).containsOnly(new Product(7, "product 7", 0));
    assertThat(catalog.lookups()).isEqualTo(1);
  }

  @Test
  void theCallablesExceptionReachesTheCaller() {
    Cache cache = instance("a").getBean(CacheManager.class).getCache("products");

    assertThatThrownBy(() -> cache.get(1L, () -> {
      throw new IOException("database down");
    })).isInstanceOf(Cache.ValueRetrievalException.class).cause().isInstanceOf(IOException.class)
        .hasMessage("database down");
    assertThat(cache.get(1L)).as("nothing cached").isNull();
  }

  @Test
  void aSyncMethodsExceptionReachesItsCallerAsThrownAndNothingIsCached() {
    Catalog catalog = instance("a").getBean(Catalog.class);
    catalog.afterRead(() -> {
      throw new IllegalStateException("database down");
    });

    assertThatThrownBy(() -> catalog.findSync(3)).isInstanceOf(IllegalStateException.class)
        .hasMessage("database down");
    catalog.afterRead(() -> {});
    assertThat(catalog.findSync(3)).isEqualTo(new Product(3, "product 3", 0));
    assertThat(catalog.lookups()).isEqualTo(2);
  }

  @Test
  void concurrentSyncCallersAcrossTheFleetLoadOnce() throws Exception {
    // A lease wait of 30 s rather than 2 s: on a busy build machine the instance without the lease must still
    // wait for the holder's fill rather than load on its own.
    Catalog a = instance("a", "default.lease-wait = 30s").getBean(Catalog.class);
    Catalog b = instance("b", "default.lease-wait = 30s").getBean(Catalog.class);
    a.afterRead(() -> sleep(300));
    b.afterRead(() -> sleep(300));

    List<Product> answers = callConcurrently(8, List.of(a, b), 7);

    assertThat(answers).hasSize(16).containsOnly(new Product(7, "product 7", 0));
    assertThat(a.lookups() + b.lookups()).as("lookups by 2 instances x 8 callers").isEqualTo(1);
  }

  /*
   * The stale set: a reader misses and reads the database; a writer updates the database and evicts; the
   * reader then caches what it read. Spring's get-then-put (plain @Cacheable) does exactly that. Through
   * sync = true the reader's fill is protected by Aside's lease, which the eviction voids; the refused
   * fill makes the reader load again, so it answers the new version too.
   */
  @Test
  void aValueReadBeforeAnUpdateIsNeverCachedAfterItsEviction() throws Exception {
    Catalog reader = instance("reader").getBean(Catalog.class);
    Catalog writer = instance("writer").getBean(Catalog.class);
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch written = new CountDownLatch(1);
    reader.afterRead(() -> {
      read.countDown();
      await(written);
    });
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Product> racingRead = pool.submit(() -> reader.findSync(1));
      await(read);
      writer.rename(1, "renamed");
      written.countDown();
      // Its fill is refused (the eviction voided the lease), so it loads again before answering.
      assertThat(racingRead.get(10, TimeUnit.SECONDS).version()).as("the racing read, begun before the update")
          .isEqualTo(1L);
    } finally {
      pool.shutdownNow();
    }
    reader.afterRead(() -> {});

    List<Product> later = List.of(reader.findSync(1), writer.findSync(1), reader.findSync(1), writer.findSync(1));
    assertThat(later).as("reads after the update").extracting(Product::version).containsOnly(1L);
  }

  /*
   * The same race, left to chance: per round, readers of both instances read through sync = true while a
   * writer of each instance updates every key and evicts it; once the round is over, a read of any key
   * from either instance must return the database's version. A stale set would leave an older one cached.
   */
  @Test
  void underConcurrentReadersAndWritersNoStaleValueStaysCached() throws Exception {
    List<Catalog> fleet = List.of(instance("a").getBean(Catalog.class), instance("b").getBean(Catalog.class));
    fleet.forEach(catalog -> catalog.afterRead(() -> sleep(ThreadLocalRandom.current().nextInt(3))));
    int rounds = 25;
    int staleReads = 0;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < rounds; round++) {
        String name = "round " + round;
        List<Future<?>> work = new ArrayList<>();
        for (Catalog catalog : fleet) {
          for (int reader = 0; reader < 3; reader++) {
            work.add(pool.submit(() -> {
              for (int i = 0; i < 10; i++) {
                catalog.findSync(1 + ThreadLocalRandom.current().nextInt(KEYS));
              }
            }));
          }
          work.add(pool.submit(() -> {
            for (long id = 1; id <= KEYS; id++) {
              catalog.rename(id, name);
            }
          }));
        }
        for (Future<?> done : work) {
          done.get(30, TimeUnit.SECONDS);
        }
        for (Catalog catalog : fleet) {
          for (long id = 1; id <= KEYS; id++) {
            if (catalog.findSync(id).version() != FleetApp.DATABASE.get(id).version()) {
              staleReads++;
            }
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(staleReads).as("stale reads of %d after %d rounds", rounds * KEYS * fleet.size(), rounds).isZero();
  }

  /** {@code callers} threads per catalog, released together, each reading {@code id} through sync = true. */
  private static List<Product> callConcurrently(int callers, List<Catalog> catalogs, long id) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers * catalogs.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Product>> calls = new ArrayList<>();
      for (Catalog catalog : catalogs) {
        for (int i = 0; i < callers; i++) {
          calls.add(pool.submit(() -> {
            start.await();
            return catalog.findSync(id);
          }));
        }
      }
      start.countDown();
      List<Product> answers = new ArrayList<>();
      for (Future<Product> call : calls) {
        answers.add(call.get(20, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
