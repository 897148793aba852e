package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code destroyCache} leaves nothing of the cache in Redis, and {@code clear()} touches no other cache or prefix. */
@RedisTest
class DestroyAndClearTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  /** More than two SCAN pages of the library's batch size. */
  private static final int MANY = 2_500;

  /** Names whose Redis namespace could be confused with {@code users} by a careless glob. */
  private static final List<String> NEIGHBOURS = List.of("users2", "user", "us*", "u?ers", "[u]sers", "users:x",
      "users}", "{users", "use\\rs", "%75sers");

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  private static Map<String, String> entries(int count) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      out.put("key-" + i, "value-" + i);
    }
    return out;
  }

  @Test
  void destroyCacheRemovesEveryKey() {
    String prefix = redis.newPrefix();
    CacheManager manager = redis.manager(prefix);
    Cache<String, String> users = manager.createCache("users", config());
    users.putAll(entries(MANY));
    assertThat(redis.scan(prefix + ":*")).hasSize(MANY);

    manager.destroyCache("users");

    assertThat(redis.keys(prefix + ":*")).isEmpty();
    assertThat(manager.getCacheNames()).isEmpty();
    assertThat(users.isClosed()).isTrue();
  }

  @Test
  void destroyedCacheComesBackEmpty() {
    String prefix = redis.newPrefix();
    CacheManager manager = redis.manager(prefix);
    manager.createCache("users", config()).putAll(entries(10));

    manager.destroyCache("users");
    Cache<String, String> again = manager.createCache("users", config());

    assertThat(again.get("key-1")).isNull();
    assertThat(again.iterator()).isExhausted();
  }

  @Test
  void destroyCacheRemovesTheKeysOfACacheOnlyAnotherManagerUses() {
    String prefix = redis.newPrefix();
    Cache<String, String> elsewhere = redis.manager(prefix).createCache("users", config());
    elsewhere.putAll(entries(MANY));
    CacheManager here = redis.manager(prefix);

    here.destroyCache("users");

    assertThat(redis.keys(prefix + ":*")).isEmpty();
    assertThat(elsewhere.get("key-1")).isNull();
  }

  @Test
  void destroyCacheLeavesOtherCachesAndPrefixesAlone() {
    String prefix = redis.newPrefix();
    String longerPrefix = redis.track(prefix + "x");
    CacheManager manager = redis.manager(prefix);
    Cache<String, String> users = manager.createCache("users", config());
    users.putAll(entries(MANY));
    Set<String> others = fillNeighbours(manager, prefix, longerPrefix);

    manager.destroyCache("users");

    assertThat(remainingKeys(prefix, longerPrefix)).isEqualTo(others);
  }

  @Test
  void clearRemovesEveryEntryAndLeavesOtherCachesAndPrefixesAlone() {
    String prefix = redis.newPrefix();
    String longerPrefix = redis.track(prefix + "x");
    CacheManager manager = redis.manager(prefix);
    Cache<String, String> users = manager.createCache("users", config());
    users.putAll(entries(MANY));
    Set<String> others = fillNeighbours(manager, prefix, longerPrefix);

    users.clear();

    assertThat(remainingKeys(prefix, longerPrefix)).isEqualTo(others);
    assertThat(users.iterator()).isExhausted();
    for (String name : NEIGHBOURS) {
      assertThat(manager.getCache(name, String.class, String.class).get("key-1")).as(name).isEqualTo("value-1");
    }
  }

  @Test
  void clearOfACacheWithGlobCharactersInItsNameLeavesItsNeighboursAlone() {
    String prefix = redis.newPrefix();
    CacheManager manager = redis.manager(prefix);
    Map<String, Cache<String, String>> caches = new LinkedHashMap<>();
    for (String name : List.of("users", "us*", "u?ers", "[u]sers", "use\\rs")) {
      caches.put(name, manager.createCache(name, config()));
      caches.get(name).putAll(entries(3));
    }

    for (String name : List.of("us*", "u?ers", "[u]sers", "use\\rs")) {
      caches.get(name).clear();
      assertThat(caches.get(name).iterator()).as(name).isExhausted();
      assertThat(caches.get("users").get("key-1")).as("users after clearing " + name).isEqualTo("value-1");
    }
    assertThat(redis.scan(prefix + ":*")).hasSize(3);
  }

  @Test
  void removeAllRemovesEveryEntryAcrossScanPages() {
    String prefix = redis.newPrefix();
    Cache<String, String> users = redis.manager(prefix).createCache("users", config());
    users.putAll(entries(MANY));

    users.removeAll();

    assertThat(redis.keys(prefix + ":*")).isEmpty();
  }

  @Test
  void iteratorSeesEveryEntryAcrossScanPages() {
    Cache<String, String> users = redis.manager().createCache("users", config());
    users.putAll(entries(MANY));

    Set<String> seen = new TreeSet<>();
    users.forEach(entry -> assertThat(seen.add(entry.getKey())).as("seen twice: " + entry.getKey()).isTrue());

    assertThat(seen).hasSize(MANY);
  }

  /** Creates the neighbour caches, other prefixes' {@code users} caches and foreign keys; returns their Redis keys. */
  private Set<String> fillNeighbours(CacheManager manager, String prefix, String longerPrefix) {
    for (String name : NEIGHBOURS) {
      manager.createCache(name, config()).putAll(entries(3));
    }
    redis.manager(longerPrefix).createCache("users", config()).putAll(entries(3));
    redis.manager(redis.track(prefix.replace("it-", "iu-"))).createCache("users", config()).putAll(entries(3));
    redis.redis().set(prefix + ":users", "not an entry");
    redis.redis().set(prefix + ":users:plain", "not an entry");
    redis.redis().set(prefix, "not an entry");
    Set<String> others = remainingKeys(prefix, longerPrefix);
    assertThat(others).hasSize(NEIGHBOURS.size() * 3 + 3 + 3 + 3);
    return others;
  }

  /** The keys of everything but {@code users} under this test's prefixes. */
  private static Set<String> remainingKeys(String prefix, String longerPrefix) {
    Set<String> keys = new TreeSet<>();
    keys.addAll(redis.scan(prefix + "*"));
    keys.addAll(redis.scan(prefix.replace("it-", "iu-") + "*"));
    keys.removeIf(key -> key.startsWith(prefix + ":users:{"));
    return keys;
  }
}
