package dev.aside.spring.boot.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spring.boot.Applications;
import dev.aside.spring.boot.CatalogApp;
import dev.aside.testkit.RedisServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;

/** Actuator's health shows Aside as {@code aside}, with details that name no file, URI or password. */
class AsideHealthIndicatorTest {
  private static RedisServer redis;
  @TempDir Path dir;
  private Applications applications;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.builder().password("s3cret-for-health").start();
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
  void theHealthRegistryHoldsAsideUpWithItsBreakerAndBacklog() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--spring.application.name=shop", "--spring.cache.jcache.config=" + applications.configFile("a"));

    HealthIndicator aside = (HealthIndicator) context.getBean(HealthContributorRegistry.class).getContributor("aside");
    Health health = aside.health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("cacheManager", "shop").containsEntry("circuitState", "CLOSED")
        .containsEntry("pendingInvalidations", 0);
    assertThat(health.toString()).doesNotContain("s3cret", dir.toString(), "redis://", "file:");
  }

  @Test
  void itCanBeTurnedOffAsAnyHealthIndicator() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--management.health.aside.enabled=false", "--spring.cache.jcache.config=" + applications.configFile("a"));

    assertThat(context.getBean(HealthContributorRegistry.class).getContributor("aside")).isNull();
  }
}
