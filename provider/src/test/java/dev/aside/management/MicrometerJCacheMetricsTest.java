package dev.aside.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.config.AsideConfiguration;
import dev.aside.spi.AsideCachingProvider;
import dev.aside.testkit.RedisFixture;
import dev.aside.testkit.RedisTest;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.JCacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer's JCache binder (what Spring Boot Actuator binds to every JCache cache) finds Aside's
 * statistics: it reads them from the standard JCache statistics MBean, by a name it computes itself
 * from the manager's URI. That works for a configuration file's URI (Spring Boot's case) and a
 * {@code redis://} URI without options; Micrometer cannot name a URI with a query ({@code ?}, {@code =}).
 */
@RedisTest
class MicrometerJCacheMetricsTest {
  @RegisterExtension
  static final RedisFixture<AsideCachingProvider> redis = RedisFixture.privateServer(AsideCachingProvider::new);

  @Test
  void throughAConfigurationFile(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("aside.properties");
    // A command timeout of 5 s rather than the default 500 ms, as the testkit's URIs have it, so that a busy
    // build machine does not fail the test.
    Files.writeString(config, "uri = " + redis.server().uri() + "?prefix=micrometer&timeout=5s\n");
    hitsMissesAndPutsReachMicrometer(config.toUri());
  }

  @Test
  void throughARedisUriWithoutOptions() {
    hitsMissesAndPutsReachMicrometer(URI.create(redis.server().uri()));
  }

  private void hitsMissesAndPutsReachMicrometer(URI uri) {
    try (CacheManager manager = new AsideCachingProvider().getCacheManager(uri, getClass().getClassLoader())) {
      AsideConfiguration<String, String> config = new AsideConfiguration<>();
      config.setTypes(String.class, String.class);
      config.setStatisticsEnabled(true);
      Cache<String, String> cache = manager.createCache("greetings", config);
      MeterRegistry registry = new SimpleMeterRegistry();
      JCacheMetrics.monitor(registry, cache);

      cache.put("en", "hello");
      cache.get("en");
      cache.get("en");
      cache.get("fr");

      assertThat(registry.get("cache.gets").tag("result", "hit").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("cache.gets").tag("result", "miss").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("cache.puts").functionCounter().count()).isEqualTo(1);
    }
  }
}
