package dev.aside.spring.boot.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aside.spring.boot.Applications;
import dev.aside.spring.boot.Await;
import dev.aside.spring.boot.Catalog;
import dev.aside.spring.boot.Catalog.Product;
import dev.aside.spring.boot.CatalogApp;
import dev.aside.testkit.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring application whose Redis is down when it starts: it starts, its health is DOWN, its service
 * answers every call; once Redis starts, the health turns UP and the cache is used within seconds.
 */
class StartWithoutRedisTest {
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
  void theApplicationStartsWithRedisDownAndUsesItWithinSecondsOfItStarting() {
    String config = applications.configFile("a");
    redis.kill();

    ConfigurableApplicationContext context = applications.start(CatalogApp.class,
        "--spring.cache.jcache.config=" + config, "--spring.cache.cache-names=products");
    Catalog catalog = context.getBean(Catalog.class);
    AsideHealthIndicator health = context.getBean(AsideHealthIndicator.class);

    assertThat(health.health().getStatus()).as("health while Redis is down").isEqualTo(Status.DOWN);
    assertThat(catalog.find(1)).isEqualTo(new Product(1, "product 1", 0));
    assertThat(catalog.find(1)).isEqualTo(new Product(1, "product 1", 0));
    assertThat(catalog.lookups()).as("nothing cached while Redis is down").isEqualTo(2);

    redis.restart();
    long started = System.nanoTime();
    // Up to 1 s of the background connect's back-off, then the connect and handshake, the health tick (100 ms)
    // and its PING, and the two finds: 6 s leaves a busy build machine room; the time taken is printed.
    Await.until("a value cached in Redis", Duration.ofSeconds(6), () -> {
      int before = catalog.lookups();
      catalog.find(7);
      catalog.find(7);
      return catalog.lookups() - before == 1;
    });
    System.out.println("StartWithoutRedisTest (Spring): cache used "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms after Redis started");
    assertThat(health.health().getStatus()).as("health once Redis answers").isEqualTo(Status.UP);
  }
}
