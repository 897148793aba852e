package dev.aside.spring.boot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spring.boot.Applications;
import dev.aside.spring.boot.Await;
import dev.aside.spring.boot.Catalog;
import dev.aside.spring.boot.Catalog.Product;
import dev.aside.spring.boot.CatalogApp;
import dev.aside.spring.boot.LogLines;
import dev.aside.spring.boot.health.AsideHealthIndicator;
import dev.aside.testkit.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Redis killed under a Spring application with default settings: every {@code @Cacheable},
 * {@code @Cacheable(sync = true)} and {@code @CachePut} call is answered by the service, none throws, the
 * log does not grow with the calls, the health turns DOWN, and once Redis is back it turns UP and values
 * are cached again.
 */
class RedisOutageTest {
  private static final int CALLS = 300;
  private RedisServer redis;
  private Applications applications;
  @TempDir Path dir;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    applications = new Applications(redis, dir);
  }

  @AfterEach
  void stop() {
    applications.close();
    redis.close();
  }

  @Test
  void noCacheCallFailsAndTheLogStaysShortWhileRedisIsDown() {
    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--spring.cache.jcache.config=" + applications.configFileWithDefaultCommandTimeout("a"),
        "--spring.cache.cache-names=products");
    Catalog catalog = context.getBean(Catalog.class);
    AsideHealthIndicator health = context.getBean(AsideHealthIndicator.class);
    MeterRegistry meters = context.getBean(MeterRegistry.class);
    assertThat(catalog.find(1)).isEqualTo(new Product(1, "product 1", 0));
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);

    List<Throwable> failures = new ArrayList<>();
    try (LogLines log = new LogLines()) {
      redis.kill();
      for (int i = 0; i < CALLS; i++) {
        long id = 100 + i % 30;
        try {
          assertThat(catalog.find(id)).isEqualTo(new Product(id, "product " + id, 0));
          assertThat(catalog.findSync(id)).isEqualTo(new Product(id, "product " + id, 0));
          catalog.save(new Product(id, "product " + id, 0));
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }

      assertThat(failures).as("exceptions from %d calls of each cached method", CALLS).isEmpty();
      assertThat(catalog.lookups()).as("every read was answered by the service").isEqualTo(1 + 2 * CALLS);
      assertThat(meters.get("aside.cache.puts.dropped").tag("cacheManager", "default").functionCounter().count())
          .as("puts not cached, counted").isGreaterThanOrEqualTo(CALLS);
      assertThat(log.warnings("dev.aside")).as("Aside's warnings for %d calls", 3 * CALLS).hasSizeLessThanOrEqualTo(2);
      Await.until("health DOWN", Duration.ofSeconds(10), () -> health.health().getStatus().equals(Status.DOWN));
      assertThat(health.health().getDetails()).containsEntry("circuitState", "OPEN");
    }

    redis.restart();
    Await.until("health UP", Duration.ofSeconds(30), () -> health.health().getStatus().equals(Status.UP));
    int before = catalog.lookups();
    catalog.find(500);
    catalog.find(500);
    assertThat(catalog.lookups() - before).as("lookups of a key read twice once Redis is back").isEqualTo(1);
  }
}
