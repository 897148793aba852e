package dev.aside.benchmarks.jmh;

import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A near-cache hit through the JCache API, against Caffeine's own JCache provider: {@code get} of
 * 1,000 hot {@code String} keys holding strings or small objects. Each system runs in its own forked
 * JVMs, so neither shares JIT profiles with the other. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar jmh NearHitBenchmarks}.
 *
 * <p>{@code aside} is a near-cached Aside cache on a private redis-server, or on the one whose URI is in
 * the file named by the system property {@value #REDIS_FILE_PROPERTY} (its entries all read once,
 * so that every measured call is a near hit); {@code caffeine} is Caffeine's JCache in its default
 * configuration, {@code caffeine-bounded} the same bounded to the near cache's 10,000 entries (all three
 * store by value, JCache's default). {@code -p statistics=true} measures them with JCache statistics on.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(2)
public class NearHitBenchmarks {
  /** System property naming a file that holds the URI of the Redis to use (the {@code near} scenario passes its own); unset: start one. */
  public static final String REDIS_FILE_PROPERTY = "aside.bench.redis-uri-file";
  private static final String CAFFEINE = "com.github.benmanes.caffeine.jcache.spi.CaffeineCachingProvider";
  private static final int KEYS = 1_000;

  @Param({"aside", "caffeine", "caffeine-bounded"})
  public String system;

  /**
   * {@code string}: 100-character strings, immutable, so every cache may hand out the instance it holds.
   * {@code object}: a five-field application object, which store-by-value must copy on every hit (Aside
   * decodes the bytes it kept, as JSON; Caffeine's copier serializes and deserializes the copy it holds).
   */
  @Param({"string", "object"})
  public String value;

  /** Whether the caches keep JCache statistics ({@code setStatisticsEnabled}); off is JCache's default. */
  @Param({"false"})
  public boolean statistics;

  private RedisServer redis;
  private CacheManager manager;
  private Cache<String, Object> cache;
  private String[] keys;

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException, IOException {
    @SuppressWarnings("unchecked")
    Class<Object> valueType = (Class<Object>) (Class<?>) (value.equals("string") ? String.class : CodecBenchmarks.Profile.class);
    switch (system) {
      case "aside" -> {
        String uriFile = System.getProperty(REDIS_FILE_PROPERTY);
        String uri = uriFile == null ? null : Files.readString(Path.of(uriFile)).trim();
        if (uri == null) {
          redis = RedisServer.start();
          uri = redis.uri();
        }
        manager = new AsideCachingProvider().getCacheManager(
            URI.create(uri + (uri.contains("?") ? "&" : "?") + "prefix=jmh-near"), getClass().getClassLoader());
        AsideConfiguration<String, Object> config = new AsideConfiguration<>();
        config.setTypes(String.class, valueType);
        config.setNearCacheMaxEntries(10_000);
        config.setStatisticsEnabled(statistics);
        cache = manager.createCache("hot", config);
      }
      case "caffeine" -> {
        manager = Caching.getCachingProvider(CAFFEINE).getCacheManager();
        cache = manager.createCache("hot", new MutableConfiguration<String, Object>()
            .setTypes(String.class, valueType)
            .setStatisticsEnabled(statistics));
      }
      case "caffeine-bounded" -> {
        manager = Caching.getCachingProvider(CAFFEINE).getCacheManager();
        var config = new com.github.benmanes.caffeine.jcache.configuration.CaffeineConfiguration<String, Object>();
        config.setTypes(String.class, valueType);
        config.setMaximumSize(java.util.OptionalLong.of(10_000));
        config.setStoreByValue(true);      // CaffeineConfiguration defaults to by-reference; JCache's default is by-value
        config.setStatisticsEnabled(statistics);
        cache = manager.createCache("hot", config);
      }
      default -> throw new IllegalArgumentException("unknown system " + system);
    }
    keys = new String[KEYS];
    for (int k = 0; k < KEYS; k++) {
      keys[k] = "k" + k;
      cache.put(keys[k], value.equals("string") ? "v".repeat(100)
          : new CodecBenchmarks.Profile(k, "Ada Lovelace", "ada" + k + "@example.org", 36, true));
    }
    Thread.sleep(200);     // the puts' own invalidations come back from Redis; let them pass
    for (String key : keys) {
      cache.get(key);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
    if (redis != null) {
      redis.close();
    }
  }

  @Benchmark
  public Object get() {
    return cache.get(keys[ThreadLocalRandom.current().nextInt(KEYS)]);
  }
}
