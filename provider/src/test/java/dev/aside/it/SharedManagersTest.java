package dev.aside.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two cache managers with their own Redis clients on one URI, as two JVMs would have, share their entries. */
@RedisTest
class SharedManagersTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.sharedOrPrivate(AsideCachingProvider::new);

  private static MutableConfiguration<String, String> config() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  @Test
  void separateProvidersGiveSeparateManagers() {
    String prefix = redis.newPrefix();
    CacheManager a = redis.manager(prefix);
    CacheManager b = redis.manager(prefix);

    assertThat(a).isNotSameAs(b);
    assertThat(a.getURI()).isEqualTo(b.getURI());
  }

  @Test
  void writesAreSeenByTheOtherManager() {
    String prefix = redis.newPrefix();
    Cache<String, String> a = redis.manager(prefix).createCache("shared", config());
    Cache<String, String> b = redis.manager(prefix).createCache("shared", config());

    a.put("k1", "from a");
    b.putAll(Map.of("k2", "from b", "k3", "from b"));

    assertThat(b.get("k1")).isEqualTo("from a");
    assertThat(a.getAll(Set.of("k1", "k2", "k3")))
        .isEqualTo(Map.of("k1", "from a", "k2", "from b", "k3", "from b"));
    assertThat(b.putIfAbsent("k1", "from b")).isFalse();
    assertThat(a.get("k1")).isEqualTo("from a");
    a.put("k1", "again from a");
    assertThat(b.get("k1")).isEqualTo("again from a");
  }

  @Test
  void removesAreSeenByTheOtherManager() {
    String prefix = redis.newPrefix();
    Cache<String, String> a = redis.manager(prefix).createCache("shared", config());
    Cache<String, String> b = redis.manager(prefix).createCache("shared", config());
    a.putAll(Map.of("k1", "v1", "k2", "v2", "k3", "v3"));

    assertThat(b.remove("k1")).isTrue();
    assertThat(b.getAndRemove("k2")).isEqualTo("v2");

    assertThat(a.containsKey("k1")).isFalse();
    assertThat(a.get("k2")).isNull();
    assertThat(a.get("k3")).isEqualTo("v3");
    assertThat(a.remove("k1")).isFalse();
  }

  @Test
  void clearIsSeenByTheOtherManager() {
    String prefix = redis.newPrefix();
    Cache<String, String> a = redis.manager(prefix).createCache("shared", config());
    Cache<String, String> b = redis.manager(prefix).createCache("shared", config());
    for (int i = 0; i < 50; i++) {
      a.put("k" + i, "v" + i);
    }
    assertThat(b).hasSize(50);

    b.clear();

    assertThat(a.iterator()).isExhausted();
    assertThat(a.get("k0")).isNull();
    assertThat(redis.keys(prefix + ":*")).isEmpty();
  }

  @Test
  void managersOfTwoClassLoadersShareEntriesThroughOneProvider() throws Exception {
    String prefix = redis.newPrefix();
    URI uri = redis.uri(prefix);
    try (URLClassLoader other = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
      var provider = redis.newProvider();
      CacheManager a = provider.getCacheManager(uri, getClass().getClassLoader());
      CacheManager b = provider.getCacheManager(uri, other);
      assertThat(a).isNotSameAs(b);
      Cache<String, String> ca = a.createCache("shared", config());
      Cache<String, String> cb = b.createCache("shared", config());

      ca.put("k", "v");
      assertThat(cb.get("k")).isEqualTo("v");
      cb.remove("k");
      assertThat(ca.containsKey("k")).isFalse();
    }
  }

  @Test
  void differentPrefixesDoNotShare() {
    Cache<String, String> a = redis.manager().createCache("shared", config());
    Cache<String, String> b = redis.manager().createCache("shared", config());

    a.put("k", "v");

    assertThat(b.get("k")).isNull();
    assertThat(b.iterator()).isExhausted();
  }
}
