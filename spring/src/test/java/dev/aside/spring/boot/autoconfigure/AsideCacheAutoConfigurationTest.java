package dev.aside.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spring.boot.Applications;
import dev.aside.spring.boot.CatalogApp;
import dev.aside.spring.boot.cache.AsideSpringCache;
import dev.aside.spring.boot.cache.AsideSpringCacheManager;
import dev.aside.testkit.RedisServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * When the module is on the class path, Spring's caching runs on Aside, configured as Spring Boot's JCache
 * support is ({@code com.acme.shop.ReadmeExampleTest} runs the conventional classpath:aside.properties).
 */
class AsideCacheAutoConfigurationTest {
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
  void theReadmesJcachePropertiesStillWork() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--spring.cache.type=jcache",
        "--spring.cache.jcache.provider=dev.aside.spi.AsideCachingProvider",
        "--spring.cache.jcache.config=" + applications.configFile("a"),
        "--spring.cache.cache-names=products");

    assertThat(context.getBean(CacheManager.class).getCache("products")).isInstanceOf(AsideSpringCache.class);
  }

  @Test
  void aCacheFoundLaterByNameIsAnAsideCacheToo() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--spring.cache.jcache.config=" + applications.configFile("a", "cache.reports.expiry = created 1m"));

    assertThat(context.getBean(CacheManager.class).getCache("reports")).isInstanceOf(AsideSpringCache.class);
  }

  @Test
  void anotherCacheTypeIsLeftToSpringBoot() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class, "--spring.cache.type=simple");

    assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
  }
}
