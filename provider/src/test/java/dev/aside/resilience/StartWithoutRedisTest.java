package dev.aside.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.manager.AsideCacheManager;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis that is down when the application starts is an outage, not a crash: the manager opens
 * with its breaker open (health DOWN), serves through loaders, queues removals, and once Redis
 * starts its caches use it within seconds (health UP). Configuration mistakes still fail at once.
 */
class StartWithoutRedisTest {
  private static final String PASSWORD = "start-Pa55-1234";
  static final AtomicInteger loads = new AtomicInteger();

  /** Answers every key with "db-" + key, counting its calls. */
  public static final class CountingLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      loads.incrementAndGet();
      return "db-" + key;
    }

    @Override
    public java.util.Map<String, String> loadAll(Iterable<? extends String> keys) {
      java.util.Map<String, String> out = new java.util.HashMap<>();
      keys.forEach(k -> out.put(k, load(k)));
      return out;
    }
  }

  private RedisServer server;
  private URI uri;

  @BeforeEach
  void stopRedisBeforeTheApplicationStarts() {
    server = RedisServer.builder().password(PASSWORD).start();
    uri = URI.create(server.uri() + "?prefix=startup&timeout=300ms&breakerOpen=200ms");
    server.kill();
    loads.set(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private AsideCacheManager manager() {
    return (AsideCacheManager) new AsideCachingProvider().getCacheManager(uri, getClass().getClassLoader());
  }

  private static AsideConfiguration<String, String> readThrough() {
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(CountingLoader.class));
    return config;
  }

  @Test
  void startsDegradedThenUsesRedisWithinSecondsOfItStarting() throws Exception {
    PrintStream err = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    AsideCacheManager manager;
    try {
      manager = manager();
    } finally {
      System.setErr(err);
    }
    String startup = log.toString(StandardCharsets.UTF_8);
    try {
      assertThat(manager.health().getCircuitState()).as("health while Redis is down").isEqualTo("OPEN");
      assertThat(startup).doesNotContain(PASSWORD);
      assertThat(startup.lines().filter(line -> line.contains("WARN"))).as("WARN lines at startup")
          .singleElement().asString()
          .contains("127.0.0.1:" + server.port()).contains("circuit breaker open").contains("at startup");

      Cache<String, String> rows = manager.createCache("rows", readThrough());
      AsideConfiguration<String, String> nearConfig = new AsideConfiguration<>();
      nearConfig.setTypes(String.class, String.class);
      nearConfig.setNearCacheMaxEntries(100);
      Cache<String, String> near = manager.createCache("near", nearConfig);
      assertThat(rows.get("a")).as("served by the loader while Redis is down").isEqualTo("db-a");
      assertThat(rows.get("a")).isEqualTo("db-a");
      assertThat(loads).as("nothing cached while Redis is down").hasValue(2);
      rows.remove("stale");                       // queued, not thrown
      assertThat(manager.health().getPendingInvalidations()).isEqualTo(1);
      assertThat(catchThrowable(() -> rows.put("b", "x"))).as("a write fails per the failure policy")
          .isInstanceOf(CacheException.class);

      server.restart();
      long started = System.nanoTime();
      // The background connect tries again at least once a second; then come connect, AUTH and INFO, a health tick,
      // the PING probe, the replay, a load and a fill: usually under 2 s in all. 5 s leaves room for a slow machine,
      // and still fails if the connect fell back to a back-off like Lettuce's (up to 30 s).
      await("the cache to use Redis", 5_000, () -> {
        rows.get("c");
        return cachedInRedis(rows, "c");
      });
      System.out.println("StartWithoutRedisTest: cache used " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
          + " ms after Redis started");
      assertThat(manager.health().getCircuitState()).as("health once Redis answers").isEqualTo("CLOSED");
      assertThat(manager.health().getPendingInvalidations()).isZero();

      await("the near cache's invalidation feed", 5_000,
          () -> near.unwrap(AsideCache.class).nearCacheMetrics().isLive());
      near.put("k", "v1");
      assertThat(near.get("k")).isEqualTo("v1");
      try (AsideCacheManager other = manager()) {
        assertThat(other.health().getCircuitState()).isEqualTo("CLOSED");
        Cache<String, String> otherRows = other.createCache("rows", readThrough());
        assertThat(otherRows.get("c")).as("the value cached through the first manager").isEqualTo("db-c");
        Cache<String, String> otherNear = other.createCache("near", nearConfig);
        otherNear.put("k", "v2");
      }
      await("the near cache to see another manager's write", 5_000, () -> "v2".equals(near.get("k")));
    } finally {
      manager.close();
    }
  }

  /** Whether {@code key} is now served from Redis: a read that does not call the loader. */
  private static boolean cachedInRedis(Cache<String, String> cache, String key) {
    int before = loads.get();
    cache.get(key);
    return loads.get() == before;
  }

  @Test
  void anUnknownHostStillFailsAtOnce() {
    URI unknown = URI.create("redis://:" + PASSWORD + "@no-such-host.invalid:6379?prefix=startup");
    long start = System.nanoTime();

    Throwable failure = catchThrowable(() -> new AsideCachingProvider().getCacheManager(unknown,
        getClass().getClassLoader()));

    assertThat(failure).isInstanceOf(CacheException.class)
        .hasMessageContaining("no-such-host.invalid")
        .hasMessageNotContaining(PASSWORD);
    // Resolving the name is up to the system resolver, which can take 10 s or more where DNS is unreachable; 30 s
    // still catches a start that keeps retrying the host (as it does an unreachable one) before giving up.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("ms to fail").isLessThan(30_000);
  }

  @Test
  void aWrongPasswordStillFailsAtOnce() {
    server.restart();
    URI wrong = URI.create("redis://:wrong-" + PASSWORD + "@127.0.0.1:" + server.port() + "?prefix=startup");

    Throwable failure = catchThrowable(() -> new AsideCachingProvider().getCacheManager(wrong,
        getClass().getClassLoader()));

    assertThat(failure).isInstanceOf(CacheException.class).hasMessageContaining("WRONGPASS")
        .hasMessageNotContaining(PASSWORD);
  }

  private static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      Thread.sleep(10);
    }
  }
}
