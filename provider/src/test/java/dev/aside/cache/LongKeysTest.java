package dev.aside.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.codec.DeserializationFilter;
import dev.aside.codec.KeyCodec;
import dev.aside.config.AsideConfiguration;
import dev.aside.near.NearCacheMetrics;
import dev.aside.redis.KeyLayout;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys too long to stand in their Redis key: a hash stands there, the value carries the full key, and
 * every operation still sees the original key. A value that is not the key's own reads as a miss.
 */
class LongKeysTest {
  private static final String MILLION = "k".repeat(1_000_000);
  private static final String LONG_A = "a".repeat(600);
  private static final String LONG_B = "b".repeat(600);
  private static RedisServer server;
  private static RedisClient rawClient;
  private static StatefulRedisConnection<byte[], byte[]> raw;
  private final List<CacheManager> managers = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    rawClient = RedisClient.create(server.uri());
    raw = rawClient.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterAll
  static void stop() {
    raw.close();
    rawClient.shutdown();
    server.close();
  }

  @AfterEach
  void closeManagers() {
    managers.forEach(CacheManager::close);
    managers.clear();
    redis().flushall();
  }

  @Test
  void aMillionCharacterKeyTakesUnderAKilobyteOfRedisKey() {
    Cache<String, String> cache = cache(new AsideConfiguration<>());
    cache.put(MILLION, "v");
    assertThat(cache.get(MILLION)).isEqualTo("v");

    List<byte[]> keys = redisKeys();
    assertThat(keys).hasSize(1);
    byte[] key = keys.get(0);
    assertThat(key.length).as("bytes of the Redis key").isLessThan(1024);
    assertThat(new String(key, StandardCharsets.UTF_8)).startsWith("long:s:{~#").endsWith("}");
    Long memory = redis().memoryUsage(key);
    System.out.printf("1,000,000-character key: Redis key %d bytes, value %d bytes, MEMORY USAGE %d bytes%n",
        key.length, redis().strlen(key), memory);
  }

  @Test
  void keysUpToTheLimitStayReadableInRedis() {
    Cache<String, String> cache = cache(new AsideConfiguration<>());
    String longest = "r".repeat(512);
    cache.put(longest, "v");
    cache.put(longest + "r", "w");
    List<String> keys = redisKeys().stream().map(k -> new String(k, StandardCharsets.UTF_8)).toList();
    assertThat(keys).contains("long:s:{" + longest + "}");
    assertThat(keys).anyMatch(k -> k.startsWith("long:s:{~#") && k.length() < 64);
    assertThat(cache.get(longest)).isEqualTo("v");
    assertThat(cache.get(longest + "r")).isEqualTo("w");
  }

  @Test
  void aHashedKeyRoundTripsThroughEveryOperation() {
    Cache<String, String> cache = cache(new AsideConfiguration<>());
    cache.put(LONG_A, "1");
    cache.put(LONG_B, "2");
    cache.put("short", "3");
    assertThat(cache.get(LONG_A)).isEqualTo("1");
    assertThat(cache.containsKey(LONG_B)).isTrue();
    assertThat(cache.getAll(Set.of(LONG_A, LONG_B, "short"))).isEqualTo(Map.of(LONG_A, "1", LONG_B, "2", "short", "3"));

    Map<String, String> iterated = new HashMap<>();
    cache.forEach(entry -> iterated.put(entry.getKey(), entry.getValue()));
    assertThat(iterated).isEqualTo(Map.of(LONG_A, "1", LONG_B, "2", "short", "3"));

    assertThat(cache.getAndPut(LONG_A, "1b")).isEqualTo("1");
    assertThat(cache.replace(LONG_A, "1b", "1c")).isTrue();
    assertThat(cache.replace(LONG_A, "nope", "x")).isFalse();
    assertThat(cache.putIfAbsent(LONG_A, "x")).isFalse();
    assertThat(cache.<String>invoke(LONG_A, (entry, args) -> {
      String old = entry.getValue();
      entry.setValue(old + "d");
      return entry.getKey().substring(0, 3) + old;
    })).isEqualTo("aaa1c");
    assertThat(cache.get(LONG_A)).isEqualTo("1cd");
    assertThat(cache.getAndRemove(LONG_A)).isEqualTo("1cd");
    assertThat(cache.get(LONG_A)).isNull();

    cache.put(LONG_A, "again");
    cache.removeAll(Set.of(LONG_A));
    assertThat(cache.containsKey(LONG_A)).isFalse();
    cache.removeAll();
    assertThat(cache.get(LONG_B)).isNull();
    assertThat(redisKeys()).isEmpty();
  }

  @Test
  void eventsCarryTheOriginalKey() throws Exception {
    Cache<String, String> cache = cache(new AsideConfiguration<>());
    List<String> seen = new CopyOnWriteArrayList<>();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(new Recorder(seen)), null, true, true));
    cache.put(LONG_A, "1");
    cache.put(LONG_A, "2");
    cache.remove(LONG_A);
    cache.put(LONG_B, "3");
    cache.removeAll();
    assertThat(seen).containsExactly("CREATED " + LONG_A + "=1", "UPDATED " + LONG_A + "=2 (was 1)",
        "REMOVED " + LONG_A + "=2", "CREATED " + LONG_B + "=3", "REMOVED " + LONG_B + "=3");
  }

  @Test
  void anotherKeysValueUnderAHashedKeyReadsAsAMiss() {
    AtomicInteger loads = new AtomicInteger();
    AsideConfiguration<String, String> config = new AsideConfiguration<>();
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(new Loader(loads)));
    Cache<String, String> cache = cache(config);
    cache.put(LONG_A, "a's");
    cache.put(LONG_B, "b's");
    cache.put("short", "short's");
    byte[] keyOfA = hashedKeyOf(LONG_A);

    redis().set(keyOfA, redis().get(hashedKeyOf(LONG_B)));   // b's value, carrying b's key, under a's key
    assertThat(cache.get(LONG_A)).as("b's value under a's key").isEqualTo("loaded " + LONG_A.length());
    assertThat(loads).hasValue(1);

    redis().set(keyOfA, redis().get(redisKeyOf("short")));   // a short key's value, carrying no key
    assertThat(cache.getAll(Set.of(LONG_A))).isEqualTo(Map.of(LONG_A, "loaded 600"));
    assertThat(loads).hasValue(2);

    redis().set(keyOfA, redis().get(hashedKeyOf(LONG_B)));
    assertThat(cache.containsKey(LONG_A)).isFalse();
    Map<String, String> iterated = new HashMap<>();
    cache.forEach(entry -> iterated.put(entry.getKey(), entry.getValue()));
    assertThat(iterated).as("b's value is not seen twice, nor as a's").isEqualTo(Map.of(LONG_B, "b's", "short", "short's"));
    assertThat(cache.getAndPut(LONG_A, "mine")).as("no old value of a").isNull();
    assertThat(cache.get(LONG_A)).isEqualTo("mine");
  }

  @Test
  void aLongKeyIsNearCachedByItsHashAndInvalidatedByAWriteElsewhere() throws Exception {
    Cache<String, String> reader = cache(new AsideConfiguration<String, String>().setNearCacheMaxBytes(1 << 20));
    Cache<String, String> writer = cache(new AsideConfiguration<>());
    NearCacheMetrics metrics = reader.unwrap(AsideCache.class).nearCacheMetrics();
    long before = metrics.getInvalidationsReceived();
    writer.put(MILLION, "1");
    await(() -> metrics.getInvalidationsReceived() > before);
    assertThat(reader.get(MILLION)).isEqualTo("1");
    assertThat(reader.get(MILLION)).isEqualTo("1");
    assertThat(metrics.getHits()).as("second read from the near cache").isEqualTo(1);
    assertThat(metrics.getWeightedSize()).as("the near cache does not keep the million characters")
        .isLessThan(10_000);

    writer.put(MILLION, "2");
    await(() -> "2".equals(reader.get(MILLION)));
  }

  private Cache<String, String> cache(AsideConfiguration<String, String> config) {
    // A command timeout of 5 s rather than the default 500 ms, as the testkit's URIs have it: a megabyte value
    // on a busy build machine must not time out.
    CacheManager manager = new AsideCachingProvider()
        .getCacheManager(URI.create(server.uri() + "?prefix=long&timeout=5s&clientName=m" + managers.size()),
            getClass().getClassLoader());
    managers.add(manager);
    config.setTypes(String.class, String.class);
    config.setStatisticsEnabled(true);
    return manager.createCache("s", config);
  }

  private static byte[] hashedKeyOf(String key) {
    byte[] redisKey = redisKeyOf(key);
    assertThat(new String(redisKey, StandardCharsets.UTF_8)).contains("{~#");
    return redisKey;
  }

  /** The Redis key of a key of cache "s" under prefix "long", as documented: the key text, or its hash past 512 characters. */
  private static byte[] redisKeyOf(String key) {
    KeyCodec<String> codec = new KeyCodec<>(String.class,
        DeserializationFilter.of(List.of(), String.class, String.class), LongKeysTest.class.getClassLoader());
    return new KeyLayout("long", "s").entryKey(KeyCodec.storedText(codec.encode(key)));
  }

  private static List<byte[]> redisKeys() {
    List<byte[]> keys = new ArrayList<>();
    redis().scan(ScanArgs.Builder.matches("long:*").limit(1000)).getKeys().forEach(keys::add);
    return keys;
  }

  private static RedisCommands<byte[], byte[]> redis() {
    return raw.sync();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  /** Loads "loaded <length of the key>", counting its calls. */
  public static final class Loader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final transient AtomicInteger loads;

    Loader(AtomicInteger loads) {
      this.loads = loads;
    }

    @Override
    public String load(String key) {
      loads.incrementAndGet();
      return "loaded " + key.length();
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> all = new HashMap<>();
      keys.forEach(key -> all.put(key, load(key)));
      return all;
    }
  }

  /** Records events as "TYPE key=value (was old)". */
  public static final class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final transient List<String> seen;

    Recorder(List<String> seen) {
      this.seen = seen;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        String value = event.getEventType() == javax.cache.event.EventType.REMOVED ? event.getOldValue() : event.getValue();
        seen.add(event.getEventType() + " " + event.getKey() + "=" + value
            + (event.getEventType() == javax.cache.event.EventType.UPDATED ? " (was " + event.getOldValue() + ")" : ""));
      }
    }
  }
}
