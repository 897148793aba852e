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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.cache.CacheManager;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code AsideCache.get(key, loader)}: the article's {@code GetUser(id, dbFetch)} on a cache with no
 * {@code CacheLoader}, through the whole read path: one load for concurrent misses in a JVM and
 * across JVMs, no stale set, negative caching, the loader's exception to every caller.
 */
@RedisTest
class PerCallLoaderTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private AsideCache<String, String> cache(CacheManager manager) {
    AsideConfiguration<String, String> config = new AsideConfiguration<String, String>();
    config.setTypes(String.class, String.class);
    config.setStatisticsEnabled(true);
    config.setNegativeTtl(Duration.ofSeconds(30));
    // A lease wait of 30 s rather than 2 s: on a busy build machine a manager without the lease must still wait
    // for the holder's fill rather than load on its own.
    config.setLeaseWait(Duration.ofSeconds(30));
    javax.cache.Cache<String, String> cache = manager.getCache("users", String.class, String.class);
    if (cache == null) {
      cache = manager.createCache("users", config);
    }
    return cache.unwrap(AsideCache.class);
  }

  @Test
  void aMissIsLoadedOnceAndThenServedFromRedis() {
    AsideCache<String, String> users = cache(redis.newManager());
    AtomicInteger calls = new AtomicInteger();
    Function<String, String> db = id -> "user " + id + " #" + calls.incrementAndGet();

    assertThat(users.get("42", db)).isEqualTo("user 42 #1");
    assertThat(users.get("42", db)).isEqualTo("user 42 #1");
    assertThat(users.get("42")).isEqualTo("user 42 #1");

    assertThat(calls).hasValue(1);
    assertThat(users.readPathMetrics().getLoads()).isEqualTo(1);
    assertThat(redis.redis().exists(redis.prefix() + ":users:{42}")).isEqualTo(1);
  }

  @Test
  void concurrentMissesInOneJvmShareOneCall() throws Exception {
    AsideCache<String, String> users = cache(redis.newManager());
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Function<String, String> slowDb = id -> {
      calls.incrementAndGet();
      await(release);
      return "user " + id;
    };
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(pool.submit(() -> users.get("7", slowDb)));
    }
    awaitUntil(() -> users.readPathMetrics().getCoalescedWaits() == 7);
    release.countDown();
    for (Future<String> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("user 7");
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void concurrentMissesInTwoJvmsShareOneCall() throws Exception {
    AsideCache<String, String> first = cache(redis.newManager());
    AsideCache<String, String> second = cache(redis.newManager());
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    Function<String, String> slowDb = id -> {
      calls.incrementAndGet();
      await(release);
      return "user " + id;
    };
    Future<String> holder = pool.submit(() -> first.get("9", slowDb));
    awaitUntil(() -> calls.get() == 1);
    Future<String> waiter = pool.submit(() -> second.get("9", slowDb));
    awaitUntil(() -> second.readPathMetrics().getCrossJvmWaits() == 1);
    release.countDown();

    assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("user 9");
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("user 9");
    assertThat(calls).hasValue(1);
  }

  /*
   * The classic stale set: a reader loads v1, a writer updates the database and invalidates, then the
   * reader's fill arrives. The fill is refused (the removal voided the lease), and the reader loads
   * again before answering, so neither the reader nor the cache ends with v1.
   */
  @Test
  void aRemovalDuringTheLoadWinsOverTheLoadedValue() throws Exception {
    AsideCache<String, String> reader = cache(redis.newManager());
    AsideCache<String, String> writer = cache(redis.newManager());
    AtomicReference<String> database = new AtomicReference<>("v1");
    CountDownLatch readerLoaded = new CountDownLatch(1);
    CountDownLatch writerDone = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    Function<String, String> db = id -> {
      String row = database.get();
      if (calls.incrementAndGet() == 1) {
        readerLoaded.countDown();
        await(writerDone);
      }
      return row;
    };
    Future<String> read = pool.submit(() -> reader.get("k", db));
    assertThat(readerLoaded.await(10, TimeUnit.SECONDS)).isTrue();
    database.set("v2");
    writer.remove("k");
    writerDone.countDown();

    assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
    assertThat(writer.get("k")).isIn("v2", null);
    assertThat(reader.readPathMetrics().getStaleFillsRejected()).isEqualTo(1);
  }

  @Test
  void aNullAnswerIsRememberedForTheNegativeTtl() {
    AsideCache<String, String> users = cache(redis.newManager());
    AtomicInteger calls = new AtomicInteger();
    Function<String, String> db = id -> {
      calls.incrementAndGet();
      return null;
    };
    assertThat(users.get("404", db)).isNull();
    assertThat(users.get("404", db)).isNull();

    assertThat(calls).hasValue(1);
    assertThat(users.readPathMetrics().getNegativeHits()).isEqualTo(1);
  }

  @Test
  void theLoadersExceptionReachesTheCallerAndNothingIsCached() {
    AsideCache<String, String> users = cache(redis.newManager());
    IllegalStateException down = new IllegalStateException("database down");

    assertThatThrownBy(() -> users.get("1", id -> {
      throw down;
    })).isInstanceOf(CacheLoaderException.class).hasCause(down);
    assertThat(users.get("1", id -> "user 1")).isEqualTo("user 1");
  }

  @Test
  void aNullLoaderIsRefused() {
    AsideCache<String, String> users = cache(redis.newManager());
    assertThatThrownBy(() -> users.get("1", null)).isInstanceOf(NullPointerException.class);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }
}
