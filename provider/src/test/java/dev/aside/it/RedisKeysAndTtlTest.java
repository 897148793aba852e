package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Entries appear in Redis under readable keys, with the TTL their expiry policy asks for. */
@RedisTest
class RedisKeysAndTtlTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  private static final long TEN_MINUTES = TimeUnit.MINUTES.toMillis(10);
  private static final long ONE_MINUTE = TimeUnit.MINUTES.toMillis(1);

  @Test
  void longKeyOfALongCacheIsItsDecimalText() {
    String prefix = redis.newPrefix();
    CacheManager manager = redis.manager(prefix);
    Cache<Long, String> users = manager.createCache("users",
        new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));

    users.put(42L, "ann");

    assertThat(redis.keys(prefix + ":*")).containsExactly(prefix + ":users:{42}");
    assertThat(redis.redis().exists(prefix + ":users:{42}")).isEqualTo(1L);
  }

  @Test
  void stringKeyIsItself() {
    String prefix = redis.newPrefix();
    Cache<String, String> sessions = redis.manager(prefix).createCache("sessions",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));

    sessions.put("user:7/profile", "x");

    assertThat(redis.keys(prefix + ":*")).containsExactly(prefix + ":sessions:{user:7/profile}");
  }

  @Test
  void longKeyOfAnObjectCacheCarriesItsTypeTag() {
    String prefix = redis.newPrefix();
    Cache<Object, Object> mixed = redis.manager(prefix).createCache("mixed", new MutableConfiguration<>());

    mixed.put(42L, "long");
    mixed.put("42", "string");
    mixed.put(42, "int");

    assertThat(redis.keys(prefix + ":*"))
        .containsExactlyInAnyOrder(prefix + ":mixed:{~J42}", prefix + ":mixed:{42}", prefix + ":mixed:{~I42}");
    assertThat(mixed.get(42L)).isEqualTo("long");
    assertThat(mixed.get("42")).isEqualTo("string");
    assertThat(mixed.get(42)).isEqualTo("int");
    Map<Object, Object> iterated = new java.util.HashMap<>();
    mixed.forEach(e -> iterated.put(e.getKey(), e.getValue()));
    assertThat(iterated).isEqualTo(Map.of(42L, "long", "42", "string", 42, "int"));
  }

  @Test
  void valueIsReadableAfterTheHeader() {
    String prefix = redis.newPrefix();
    Cache<Long, String> users = redis.manager(prefix).createCache("users",
        new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));

    users.put(42L, "ann");

    byte[] stored = redis.redisBytes().get(RedisFixture.utf8(prefix + ":users:{42}"));
    assertThat(stored).containsExactly(0xA5, 0x00, 'S', 'a', 'n', 'n');
  }

  @Test
  void createdPolicySetsTheTtl() {
    String prefix = redis.newPrefix();
    Cache<String, String> cache = redis.manager(prefix).createCache("c", stringCache()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10))));

    cache.put("k", "v");

    assertThat(redis.redis().pttl(prefix + ":c:{k}"))
        .isGreaterThan(TEN_MINUTES - 30_000).isLessThanOrEqualTo(TEN_MINUTES);
  }

  @Test
  void eternalEntryHasNoTtl() {
    String prefix = redis.newPrefix();
    Cache<String, String> cache = redis.manager(prefix).createCache("c", stringCache()
        .setExpiryPolicyFactory(EternalExpiryPolicy.factoryOf()));

    cache.put("k", "v");
    cache.putAll(Map.of("k2", "v2"));
    cache.putIfAbsent("k3", "v3");

    for (String key : List.of("k", "k2", "k3")) {
      assertThat(redis.redis().pttl(prefix + ":c:{" + key + "}")).as(key).isEqualTo(-1L);
    }
  }

  /** The ways an existing entry can be updated through the API. */
  private static BiConsumer<Cache<String, String>, String> updater(String how) {
    return switch (how) {
      case "put" -> (cache, value) -> cache.put("k", value);
      case "putAll" -> (cache, value) -> cache.putAll(Map.of("k", value));
      case "getAndPut" -> (cache, value) -> cache.getAndPut("k", value);
      case "replace" -> (cache, value) -> assertThat(cache.replace("k", value)).isTrue();
      case "replaceIfEquals" -> (cache, value) -> assertThat(cache.replace("k", cache.get("k"), value)).isTrue();
      case "getAndReplace" -> (cache, value) -> cache.getAndReplace("k", value);
      case "invoke" -> (cache, value) -> cache.invoke("k", (entry, args) -> {
        entry.setValue(value);
        return null;
      });
      default -> throw new IllegalArgumentException(how);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"put", "putAll", "getAndPut", "replace", "replaceIfEquals", "getAndReplace", "invoke"})
  void modifiedPolicyUpdateResetsTheTtl(String how) {
    String prefix = redis.newPrefix();
    Cache<String, String> cache = redis.manager(prefix).createCache("c", stringCache()
        .setExpiryPolicyFactory(ModifiedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10))));
    String key = prefix + ":c:{k}";
    cache.put("k", "v1");
    redis.redis().pexpire(key, ONE_MINUTE);

    updater(how).accept(cache, "v2");

    assertThat(cache.get("k")).isEqualTo("v2");
    assertThat(redis.redis().pttl(key)).isGreaterThan(TEN_MINUTES - 30_000).isLessThanOrEqualTo(TEN_MINUTES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"put", "putAll", "getAndPut", "replace", "replaceIfEquals", "getAndReplace", "invoke"})
  void createdPolicyUpdateKeepsTheTtl(String how) {
    String prefix = redis.newPrefix();
    Cache<String, String> cache = redis.manager(prefix).createCache("c", stringCache()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 10))));
    String key = prefix + ":c:{k}";
    cache.put("k", "v1");
    redis.redis().pexpire(key, ONE_MINUTE);

    updater(how).accept(cache, "v2");

    assertThat(cache.get("k")).isEqualTo("v2");
    assertThat(redis.redis().pttl(key)).isGreaterThan(ONE_MINUTE - 30_000).isLessThanOrEqualTo(ONE_MINUTE);
  }

  @Test
  void createdPolicyTtlIsCloseToTheRequestedDuration() {
    String prefix = redis.newPrefix();
    Cache<String, String> cache = redis.manager(prefix).createCache("c", stringCache()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 1500))));

    /* Timed from just before the write to just after the PTTL: only that much of the 1,500 ms may have passed. */
    long start = System.nanoTime();
    cache.put("k", "v");
    long pttl = redis.redis().pttl(prefix + ":c:{k}");
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // 1 ms more for the rounding of Redis's and the JVM's clocks to whole milliseconds.
    assertThat(pttl).as("PTTL %d ms after the put began", elapsedMillis).isBetween(1500L - elapsedMillis - 1, 1500L);
  }

  private static MutableConfiguration<String, String> stringCache() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }
}
