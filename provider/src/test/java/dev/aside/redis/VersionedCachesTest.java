package dev.aside.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.cache.AsideCache;
import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling update that changes a cached class's shape: the old deployment caches {@code users} at
 * version 1 with one value type, the new one at version 2 with another, over one Redis. Neither sees,
 * clears, nor fails to decode the other's entries, and a cache without a version keeps today's keys.
 */
class VersionedCachesTest {
  private RedisServer server;
  private final List<CacheManager> managers = new ArrayList<>();

  @BeforeEach
  void start() {
    server = RedisServer.start();
  }

  @AfterEach
  void stop() {
    managers.forEach(CacheManager::close);
    server.close();
  }

  private CacheManager manager() {
    CacheManager manager = new AsideCachingProvider().getCacheManager(URI.create(server.uri() + "?prefix=shop"),
        getClass().getClassLoader());
    managers.add(manager);
    return manager;
  }

  private static <V> AsideConfiguration<String, V> users(Class<V> valueType, String version) {
    AsideConfiguration<String, V> config = new AsideConfiguration<>();
    config.setTypes(String.class, valueType);
    config.setVersion(version);
    return config;
  }

  private Set<String> keys() {
    RedisClient client = RedisClient.create(server.uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return Set.copyOf(connection.sync().keys("shop:*"));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void twoVersionsOfACacheNeverSeeEachOthersEntries() {
    Cache<String, String> old = manager().createCache("users", users(String.class, "1"));
    Cache<String, Integer> next = manager().createCache("users", users(Integer.class, "2"));

    old.put("ada", "Ada Lovelace");
    old.put("alan", "Alan Turing");
    assertThat(next.get("ada")).as("version 2 does not see version 1's entry").isNull();
    next.put("ada", 1815);
    next.putAll(Map.of("grace", 1906));

    assertThat(old.get("ada")).isEqualTo("Ada Lovelace");
    assertThat(next.get("ada")).isEqualTo(1815);
    assertThat(next.getAll(Set.of("ada", "alan", "grace"))).containsOnlyKeys("ada", "grace");
    assertThat(next.containsKey("alan")).isFalse();
    List<String> iterated = new ArrayList<>();
    old.forEach(entry -> iterated.add(entry.getKey()));
    assertThat(iterated).containsExactlyInAnyOrder("ada", "alan");
    assertThat(keys()).contains("shop:users:v1:{ada}", "shop:users:v2:{ada}", "shop:users:v2:{grace}");

    old.clear();
    assertThat(next.get("grace")).as("clearing version 1 leaves version 2").isEqualTo(1906);
    assertThat(keys()).noneMatch(key -> key.startsWith("shop:users:v1:"));

    for (Cache<?, ?> cache : List.of(old, next)) {
      assertThat(cache.unwrap(AsideCache.class).readPathMetrics().getUndecodableReads())
          .as("undecodable reads of " + cache).isZero();
    }
  }

  @Test
  void aCacheWithoutAVersionKeepsTodaysKeysAndDestroyingOneVersionLeavesTheOther() {
    CacheManager unversioned = manager();
    Cache<String, String> plain = unversioned.createCache("users", users(String.class, ""));
    plain.put("ada", "Ada");
    Cache<String, Integer> versioned = manager().createCache("users", users(Integer.class, "2"));
    versioned.put("ada", 1815);

    assertThat(keys()).containsExactlyInAnyOrder("shop:users:{ada}", "shop:users:v2:{ada}");
    unversioned.destroyCache("users");
    assertThat(keys()).containsExactly("shop:users:v2:{ada}");
    assertThat(versioned.get("ada")).isEqualTo(1815);
  }

  @Test
  void theConfigurationFileSetsADefaultVersionAndOnePerCache(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("aside.properties");
    Files.writeString(file, "uri = " + server.uri() + "?prefix=shop\n"
        + "default.version = 3\n"
        + "cache.users.version = v2\n");
    CacheManager manager = new AsideCachingProvider().getCacheManager(file.toUri(), getClass().getClassLoader());
    managers.add(manager);

    manager.getCache("users").put("ada", "Ada");
    manager.createCache("orders", new AsideConfiguration<>()).put("o1", "pending");

    assertThat(keys()).containsExactlyInAnyOrder("shop:users:v2:{ada}", "shop:orders:v3:{o1}");
  }
}
