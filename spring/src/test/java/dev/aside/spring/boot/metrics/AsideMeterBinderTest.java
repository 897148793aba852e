package dev.aside.spring.boot.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spring.boot.Applications;
import dev.aside.spring.boot.Await;
import dev.aside.spring.boot.Catalog;
import dev.aside.spring.boot.CatalogApp;
import dev.aside.testkit.RedisServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Aside's own meters reach the application's Micrometer registry without any code, tagged by cache and
 * by the manager's configured name, never by the configuration file's location.
 */
class AsideMeterBinderTest {
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
    applications = new Applications(redis, dir);
  }

  @AfterEach
  void close() {
    applications.close();
  }

  @Test
  void readPathNearCacheAndManagerMetersAreTaggedByCacheAndManagerName() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--spring.application.name=shop",
        "--spring.cache.jcache.config=" + applications.configFile("a", "default.near-cache-max-entries = 100", "default.statistics = true",
            "default.outage-ttl = 1m", "default.outage-max-bytes = 8m"),
        "--spring.cache.cache-names=products");
    MeterRegistry registry = context.getBean(MeterRegistry.class);
    Catalog catalog = context.getBean(Catalog.class);

    FunctionCounter nearHits = registry.get("aside.near.gets")
        .tags("cacheManager", "shop", "cache", "products", "result", "hit").functionCounter();
    assertThat(nearHits.count()).isZero();
    Await.until("a near-cache hit", Duration.ofSeconds(10), () -> {
      catalog.find(1);
      return nearHits.count() >= 1;
    });

    assertThat(catalog.lookups()).isEqualTo(1);
    assertThat(registry.get("cache.gets").tags("cache", "products", "result", "hit").functionCounter().count())
        .as("Spring Boot's JCache meters are still there").isGreaterThanOrEqualTo(1);
    assertThat(registry.get("aside.cache.loads").tags("cacheManager", "shop", "cache", "products").functionCounter())
        .isNotNull();
    assertThat(registry.get("aside.cache.redis.failures").tags("cache", "products", "operation", "write")
        .functionCounter().count()).isZero();
    assertThat(registry.get("aside.redis.circuit").tags("cacheManager", "shop", "state", "closed").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get("aside.redis.circuit").tags("cacheManager", "shop", "state", "open").gauge().value())
        .isEqualTo(0);
    assertThat(registry.get("aside.redis.circuits.open").tag("cacheManager", "shop").gauge().value()).isZero();
    assertThat(registry.get("aside.invalidations.pending").tag("cacheManager", "shop").gauge().value()).isZero();
    // Caffeine adds a write's weight in its maintenance, which runs on its executor: wait for it.
    Await.until("the near cache holds product 1, so it weighs something", Duration.ofSeconds(10),
        () -> registry.get("aside.near.weighted.size").tags("cache", "products").gauge().value() > 0);
    assertThat(registry.get("aside.cache.outage.hits").tags("cache", "products").functionCounter().count()).isZero();
    assertThat(registry.get("aside.cache.outage.max.bytes").tags("cache", "products").gauge().value())
        .isEqualTo(8 << 20);
    Await.until("the gutter keeps what Redis answered, so it weighs something", Duration.ofSeconds(10),
        () -> registry.get("aside.cache.outage.weighted.size").tags("cache", "products").gauge().value() > 0);
    for (String counter : List.of("aside.cache.outage.evictions", "aside.cache.outage.evicted.bytes",
        "aside.cache.outage.too.large", "aside.cache.outage.loads.refused")) {
      assertThat(registry.get(counter).tags("cache", "products").functionCounter().count()).as(counter).isZero();
    }
    assertThat(asideMeters(registry)).allSatisfy(meter -> assertThat(meter.getId().getTags())
        .extracting(Tag::getValue).noneMatch(value -> value.contains("/") || value.contains(dir.toString())));
  }

  @Test
  void aConfiguredManagerNameWinsAndACacheAddedLaterGetsMetersToo() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--spring.application.name=shop", "--aside.spring.manager-name=catalog-service",
        "--spring.cache.jcache.config=" + applications.configFile("a", "cache.reports.expiry = created 1m"));
    MeterRegistry registry = context.getBean(MeterRegistry.class);

    context.getBean(CacheManager.class).getCache("reports");

    assertThat(registry.get("aside.cache.loads").tags("cacheManager", "catalog-service", "cache", "reports")
        .functionCounter().count()).isZero();
    assertThat(registry.find("aside.redis.circuit").tag("cacheManager", "shop").gauges()).isEmpty();
  }

  private static List<Meter> asideMeters(MeterRegistry registry) {
    List<Meter> meters = registry.getMeters().stream().filter(m -> m.getId().getName().startsWith("aside.")).toList();
    assertThat(meters).hasSizeGreaterThan(20);
    return meters;
  }
}
